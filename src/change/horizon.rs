//! `variazione_orizzonte`: a new orizzonte temporale for a management objective, asked
//! when its phases move into a later year. The scheda shows the approved horizon struck
//! through and the new one after it; `check` stops warning that the phases outgrow the
//! horizon once the request asks for one that holds them.

use super::parse::ParseCx;
use super::{Context, Exported, Field, Kind, Line, Scope, Section, Spec, Target, Verb};
use crate::model::amended::Amended;

/// Change the orizzonte temporale.
#[derive(Debug, Clone)]
pub struct ChangeHorizon {
    pub horizon: String,
}

impl Kind for ChangeHorizon {
    const SPEC: Spec = Spec {
        name: "variazione_orizzonte",
        doc: "cambiare l'orizzonte temporale della scheda (quando le fasi vanno oltre): quello approvato resta barrato, il nuovo è scritto accanto",
        scope: Scope::Managed,
        fields: &[Field::required(
            "orizzonte",
            "il nuovo orizzonte temporale, scritto come nella scheda",
            "\"2023 - 2024\"",
        )],
        example: "\"2023\" → \"2023 - 2024\"",
    };

    fn parse(cx: &mut ParseCx) -> Option<Self> {
        let written = cx.raw.orizzonte.as_ref()?;
        let horizon = crate::text::collapse(written.get_ref());
        if horizon.is_empty() {
            cx.error(
                crate::diag::Diagnostic::error("il nuovo orizzonte temporale è vuoto")
                    .at(cx.file, written.span())
                    .hint("scrivi gli anni, come nella scheda: per esempio \"2023 - 2024\""),
            );
            return None;
        }
        Some(ChangeHorizon { horizon })
    }

    fn touches(&self) -> Vec<(Target, Verb)> {
        vec![(Target::Horizon, Verb::Reword)]
    }

    fn apply(&self, scheda: &mut Amended) {
        scheda.horizon.amended = Some(self.horizon.clone());
    }

    fn section(&self, _: &Context) -> Section {
        Section::Phases
    }

    fn request(&self, cx: &Context) -> Vec<Line> {
        let approved = cx.scheda.horizon.approved.clone().unwrap_or_default();
        vec![
            Line::action("VARIAZIONE ORIZZONTE TEMPORALE"),
            Line::quote("Orizzonte temporale approvato:", approved),
            Line::value("Nuovo orizzonte temporale:", self.horizon.clone()),
        ]
    }

    fn export(&self, cx: &Context) -> Exported {
        Exported {
            object: "orizzonte temporale".to_string(),
            approved: cx.scheda.horizon.approved.clone().unwrap_or_default(),
            amended: self.horizon.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::amended::Revised;
    use crate::model::schedule::Plan;

    fn scheda(horizon: &str) -> Amended {
        Amended {
            horizon: Revised::same(horizon.to_string()),
            ..Amended::default()
        }
    }

    #[test]
    fn the_new_horizon_is_applied_and_the_approved_one_kept() {
        let mut s = scheda("2023");
        ChangeHorizon {
            horizon: "2023 - 2024".into(),
        }
        .apply(&mut s);
        assert_eq!(s.horizon.approved.as_deref(), Some("2023"));
        assert_eq!(s.horizon.amended.as_deref(), Some("2023 - 2024"));
    }

    #[test]
    fn the_request_quotes_the_approved_horizon_and_states_the_new_one() {
        let s = scheda("2023");
        let cx = Context {
            scheda: &s,
            plan: Plan {
                first: 2023,
                last: 2025,
            },
            managed: true,
            school_years: false,
        };
        let change = ChangeHorizon {
            horizon: "2023 - 2024".into(),
        };
        let lines = change.request(&cx);
        assert_eq!(lines[0].text, "VARIAZIONE ORIZZONTE TEMPORALE");
        assert_eq!(lines[1].text, "2023");
        assert_eq!(
            format!("{} {}", lines[2].label, lines[2].text),
            "Nuovo orizzonte temporale: 2023 - 2024"
        );
        let row = change.export(&cx);
        assert_eq!((row.approved.as_str(), row.amended.as_str()), ("2023", "2023 - 2024"));
    }

    #[test]
    fn two_horizon_changes_contradict_each_other() {
        let a = ChangeHorizon {
            horizon: "2024".into(),
        };
        let (t, v) = a.touches().remove(0);
        assert_eq!(t, Target::Horizon);
        assert!(v.contradicts(v));
    }
}
