//! The `[[variazioni]]` of an objective: motivazioni, ids of new items, each change typed
//! by its kind (`crate::change`).

use super::*;

/// The changes of an objective that could be typed, each with the span of its `tipo`.
pub(super) struct Typed {
    pub(super) groups: Vec<CheckedGroup>,
    pub(super) spans: Vec<Vec<Range<usize>>>,
}

impl Typed {
    pub(super) fn changes(&self) -> impl Iterator<Item = (&Change, &Range<usize>)> {
        self.groups
            .iter()
            .zip(&self.spans)
            .flat_map(|(g, s)| g.changes.iter().zip(s))
    }
}

pub(super) fn typed_groups(
    groups: &[RawGroup],
    refs: &Refs,
    plan: Plan,
    f: FileIdx,
    report: &mut Report,
) -> Typed {
    let mut typed = Typed {
        groups: Vec::new(),
        spans: Vec::new(),
    };
    let mut new_ids: HashMap<String, Range<usize>> = HashMap::new();
    for g in groups {
        if g.motivazione.get_ref().trim().is_empty() {
            report.push(
                Diagnostic::error("la motivazione è vuota")
                    .at(f, g.motivazione.span())
                    .hint("ogni variazione deve dire perché è richiesta"),
            );
        }
        if g.modifiche.is_empty() {
            report.push(
                Diagnostic::error("questa variazione non contiene modifiche")
                    .at(f, g.motivazione.span())
                    .hint("aggiungi almeno una sezione [[variazioni.modifiche]] con il suo `tipo`"),
            );
        }
        let mut changes = Vec::new();
        let mut spans = Vec::new();
        for raw in &g.modifiche {
            if let Some(id) = &raw.get_ref().id {
                check_new_id(id, refs, f, &mut new_ids, report);
            }
            if let Some(c) = Change::parse(raw, refs, plan, f, report) {
                changes.push(c);
                spans.push(raw.get_ref().tipo.span());
            }
        }
        typed.groups.push(CheckedGroup {
            motivation: g.motivazione.get_ref().trim().to_string(),
            changes,
        });
        typed.spans.push(spans);
    }
    typed
}

/// The `id` given to a new indicator or activity must not be taken.
pub(super) fn check_new_id(
    id: &Spanned<String>,
    refs: &Refs,
    f: FileIdx,
    new_ids: &mut HashMap<String, Range<usize>>,
    report: &mut Report,
) {
    let name = id.get_ref().trim();
    if refs.indicators.iter().any(|k| k == name) || refs.activities.iter().any(|k| k == name) {
        report.push(
            Diagnostic::error(format!(
                "l'identificativo `{name}` è già usato in questa scheda"
            ))
            .at(f, id.span())
            .hint("dai al nuovo elemento un `id` diverso da quelli esistenti"),
        );
    } else if let Some(first) = new_ids.get(name) {
        report.push(
            Diagnostic::error(format!(
                "l'identificativo `{name}` è già dato a un altro nuovo elemento"
            ))
            .at(f, id.span())
            .also(f, first.clone(), "la prima volta qui"),
        );
    } else {
        new_ids.insert(name.to_string(), id.span());
    }
}
