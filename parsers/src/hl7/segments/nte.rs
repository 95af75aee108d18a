//! NTE: notes and comments.

use super::typed_view;

typed_view! {
    /// NTE view.
    Nte, "NTE", 5, {
        /// NTE-1 set id.
        set_id = 1,
        /// NTE-2 source of comment (`L` lab, `P` placer, `O` other).
        source = 2,
        /// NTE-3 comment (FT, repeats: one repetition per line).
        comment = 3,
        /// NTE-4 comment type (CE; component 1 is the code).
        comment_type = 4,
    }
}
