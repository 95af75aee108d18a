//! The logical P → O → R → C hierarchy of one message's records.
//!
//! Built from indices rather than references so that it can be kept beside
//! the message and read with [`super::Message::records`].

use super::{Record, RecordType};

/// The hierarchy of one message. All numbers are indices into the message's
/// records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hierarchy {
    /// C records right after the H record.
    pub comments: Vec<usize>,
    /// Patients in order.
    pub patients: Vec<PatientNode>,
}

/// A P record and what follows it up to the next P.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientNode {
    /// The P record; `None` for orders sent without any P record before them.
    pub patient: Option<usize>,
    /// C records belonging to the P record.
    pub comments: Vec<usize>,
    /// Orders of this patient.
    pub orders: Vec<OrderNode>,
}

/// An O record and its results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderNode {
    /// The O record; `None` for results sent without an O record before them.
    pub order: Option<usize>,
    /// C records belonging to the O record.
    pub comments: Vec<usize>,
    /// Results of this order.
    pub results: Vec<ResultNode>,
}

/// An R record and its comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultNode {
    /// The R record.
    pub result: usize,
    /// C records belonging to the R record.
    pub comments: Vec<usize>,
}

/// Which record a following C record belongs to.
#[derive(Clone, Copy)]
enum Anchor {
    Header,
    Patient,
    Order,
    Result,
    /// M, Q, S, L or unknown records: their comments are not part of the tree.
    Outside,
}

impl Hierarchy {
    /// Build the hierarchy of a message's records.
    ///
    /// A C record belongs to the nearest record before it that is not a C.
    /// M, Q and S records do not interrupt the tree: an R after an M still
    /// belongs to the O before the M.
    pub fn of(records: &[Record<'_>]) -> Hierarchy {
        let mut tree = Hierarchy::default();
        let mut anchor = Anchor::Header;
        for (i, record) in records.iter().enumerate() {
            match record.kind() {
                RecordType::Header => anchor = Anchor::Header,
                RecordType::Patient => {
                    tree.patients.push(PatientNode {
                        patient: Some(i),
                        ..PatientNode::default()
                    });
                    anchor = Anchor::Patient;
                }
                RecordType::Order => {
                    tree.patient().orders.push(OrderNode {
                        order: Some(i),
                        ..OrderNode::default()
                    });
                    anchor = Anchor::Order;
                }
                RecordType::Result => {
                    tree.order().results.push(ResultNode {
                        result: i,
                        comments: Vec::new(),
                    });
                    anchor = Anchor::Result;
                }
                RecordType::Comment => match anchor {
                    Anchor::Header => tree.comments.push(i),
                    Anchor::Patient => tree.patient().comments.push(i),
                    Anchor::Order => tree.order().comments.push(i),
                    Anchor::Result => {
                        if let Some(r) = tree.order().results.last_mut() {
                            r.comments.push(i);
                        }
                    }
                    Anchor::Outside => {}
                },
                _ => anchor = Anchor::Outside,
            }
        }
        tree
    }

    /// The current patient, opening an anonymous one when none was sent.
    fn patient(&mut self) -> &mut PatientNode {
        if self.patients.is_empty() {
            self.patients.push(PatientNode::default());
        }
        // Cannot fail: the vector was made non-empty just above.
        let last = self.patients.len() - 1;
        &mut self.patients[last]
    }

    /// The current order, opening an anonymous one when none was sent.
    fn order(&mut self) -> &mut OrderNode {
        let patient = self.patient();
        if patient.orders.is_empty() {
            patient.orders.push(OrderNode::default());
        }
        let last = patient.orders.len() - 1;
        &mut patient.orders[last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::astm::records::parse_transfer;

    #[test]
    fn comments_attach_to_the_preceding_record() {
        let text = b"H|\\^&\rC|1\rP|1\rC|1\rO|1\rC|1\rM|1\rC|1\rR|1\rC|1\rC|2\rR|2\rP|2\rR|1\rL|1";
        let t = parse_transfer(text).unwrap();
        let h = t.messages[0].hierarchy();
        assert_eq!(h.comments, [1]);
        assert_eq!(h.patients.len(), 2);
        let p = &h.patients[0];
        assert_eq!((p.patient, p.comments.as_slice()), (Some(2), &[3][..]));
        let o = &p.orders[0];
        assert_eq!((o.order, o.comments.as_slice()), (Some(4), &[5][..]));
        assert_eq!(
            o.results[0],
            ResultNode {
                result: 8,
                comments: vec![9, 10]
            }
        );
        assert_eq!(o.results[1].result, 11);
        // An R without an O gets an anonymous order under its patient.
        assert_eq!(h.patients[1].orders[0].order, None);
        assert_eq!(h.patients[1].orders[0].results[0].result, 13);
    }

    #[test]
    fn orders_without_patient() {
        let t = parse_transfer(b"H|\\^&\rO|1\rR|1\rL|1").unwrap();
        let h = t.messages[0].hierarchy();
        assert_eq!(h.patients[0].patient, None);
        assert_eq!(h.patients[0].orders[0].results[0].result, 2);
    }
}
