//! ORC (common order), OBR (observation request) and SPM (specimen).

use super::typed_view;
use crate::hl7::Value;

typed_view! {
    /// ORC common order view.
    Orc, "ORC", 5, {
        /// ORC-1 order control (`RE` = observations to follow).
        order_control = 1,
        /// ORC-2 placer order number (EI).
        placer_order_number = 2,
        /// ORC-3 filler order number (EI).
        filler_order_number = 3,
    }
}

typed_view! {
    /// OBR observation request view.
    Obr, "OBR", 26, {
        /// OBR-1 set id.
        set_id = 1,
        /// OBR-2 placer order number (EI; component 1 is the id).
        placer_order_number = 2,
        /// OBR-3 filler order number (EI; component 1 is the id).
        filler_order_number = 3,
        /// OBR-4 universal service identifier (CE/CWE).
        universal_service_id = 4,
        /// OBR-7 observation date/time.
        observation_datetime = 7,
        /// OBR-22 results report / status change date/time.
        results_reported_at = 22,
        /// OBR-25 result status.
        result_status = 25,
    }
}

typed_view! {
    /// SPM specimen view.
    Spm, "SPM", 5, {
        /// SPM-1 set id.
        set_id = 1,
        /// SPM-2 specimen id (EIP: placer EI `^` filler EI).
        specimen_id = 2,
        /// SPM-4 specimen type (CWE).
        specimen_type = 4,
    }
}

impl<'a> Spm<'a> {
    /// The specimen id: the filler-assigned id (SPM-2.2.1) when sent, else
    /// the placer-assigned id (SPM-2.1.1); `None` when neither was sent.
    pub fn specimen_id_text(&self) -> Option<Value<'a>> {
        let eip = self.specimen_id();
        let filler = eip.component(2).subcomponent(1);
        let placer = eip.component(1).subcomponent(1);
        [filler, placer].into_iter().find(|v| !v.is_empty())
    }
}
