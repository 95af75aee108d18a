//! Block structure: `##TITLE=` … `##END=` blocks, and compound (`LINK`,
//! `##BLOCKS=n`) blocks whose nested blocks are each a spectrum.

use super::ldr::Record;
use super::Ctx;

/// Nesting deeper than this is treated as siblings (bounded recursion of
/// intent; real compound files nest one level).
const MAX_DEPTH: usize = 8;

/// A block that holds data: its enclosing compound blocks' records (`prefix`)
/// and its own, as indices into the record list, in file order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Leaf {
    /// Records of the enclosing LINK blocks read so far.
    pub prefix: Vec<usize>,
    /// The block's own records, `##TITLE=` to `##END=`.
    pub own: Vec<usize>,
}

struct Frame {
    line: usize,
    own: Vec<usize>,
    link: bool,
    children: usize,
}

/// Split records into leaf blocks, warning about missing `##TITLE=`/`##END=`.
pub(crate) fn split(records: &[Record<'_>], ctx: &mut Ctx) -> Vec<Leaf> {
    let mut leaves = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        match r.key.as_str() {
            "TITLE" => {
                while let Some(top) = stack.last() {
                    if top.link && stack.len() < MAX_DEPTH {
                        break;
                    }
                    ctx.warn(r.line, format!("`##TITLE=` inside the block starting at line {}: expected `##END=` first; that block was closed here", top.line));
                    close(&mut stack, &mut leaves);
                }
                stack.push(Frame {
                    line: r.line,
                    own: vec![i],
                    link: false,
                    children: 0,
                });
            }
            "END" => {
                if let Some(top) = stack.last_mut() {
                    top.own.push(i);
                    close(&mut stack, &mut leaves);
                } else {
                    ctx.warn(
                        r.line,
                        "`##END=` outside any block: expected `##TITLE=` before it; ignored",
                    );
                }
            }
            _ => {
                if stack.is_empty() {
                    ctx.warn(r.line, format!("`##{}=` outside any block: expected `##TITLE=` first; a block was started here", r.label_text()));
                    stack.push(Frame {
                        line: r.line,
                        own: Vec::new(),
                        link: false,
                        children: 0,
                    });
                }
                if let Some(top) = stack.last_mut() {
                    top.own.push(i);
                    let link = r.key == "BLOCKS"
                        || (r.key == "DATATYPE" && r.value().trim().eq_ignore_ascii_case("LINK"));
                    top.link |= link;
                }
            }
        }
    }
    let last_line = records
        .last()
        .map_or(1, |r| r.body.last().map_or(r.line, |l| l.no));
    while let Some(top) = stack.last() {
        ctx.warn(last_line, format!("file ends inside the block starting at line {}: expected `##END=` (truncated file?)", top.line));
        close(&mut stack, &mut leaves);
    }
    leaves
}

/// Pop the top frame; a data block (or an empty compound block) becomes a leaf.
fn close(stack: &mut Vec<Frame>, leaves: &mut Vec<Leaf>) {
    let Some(frame) = stack.pop() else { return };
    if frame.link && frame.children > 0 {
        return;
    }
    let prefix = stack.iter().flat_map(|f| f.own.iter().copied()).collect();
    if let Some(parent) = stack.last_mut() {
        parent.children += 1;
    }
    leaves.push(Leaf {
        prefix,
        own: frame.own,
    });
}
