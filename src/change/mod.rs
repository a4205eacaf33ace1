//! The change catalogue: every kind of change a `[[variazioni.modifiche]]` may ask for,
//! each defined once, in a module of its own.
//!
//! A kind's module holds all there is to know about it: its `tipo` and fields with their
//! documentation ([`Spec`], from which the JSON Schema, `piao new` and the README's
//! catalogue are generated), how it is typed from the TOML ([`Kind::parse`]), what it
//! touches and so which other changes contradict it ([`Kind::touches`]), how it changes
//! the scheda ([`Kind::apply`]), the wording of its request lines ([`Kind::request`]) and
//! its open-data row ([`Kind::export`]). Everything else (`check`, `apply`, the view,
//! `export`) loops over changes and asks them; nothing outside this folder matches on a
//! kind. Adding a kind means one module here, one line in [`catalogue!`], and its tests.

pub mod parse;
pub mod remove_objective;

use std::fmt;
use std::ops::Range;

use crate::diag::{Diagnostic, FileIdx, Report};
use crate::model::amended::Amended;
use crate::model::change::{Group, RawChange};
use crate::model::schedule::Plan;

pub use parse::{ParseCx, Refs};

/// Which objectives a kind (or a field) applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Obiettivi gestionali only.
    Managed,
    /// Obiettivi istituzionali (servizi) only.
    Service,
    /// Both.
    Both,
}

impl Scope {
    /// True when an objective of this side (`managed` or a service) may use it.
    pub fn admits(self, managed: bool) -> bool {
        match self {
            Scope::Managed => managed,
            Scope::Service => !managed,
            Scope::Both => true,
        }
    }
    /// "(gestionali)", "(istituzionali)" or "".
    pub fn note(self) -> &'static str {
        match self {
            Scope::Managed => " (gestionali)",
            Scope::Service => " (istituzionali)",
            Scope::Both => "",
        }
    }
}

/// A field of a `[[variazioni.modifiche]]` table, as one kind reads it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub required: bool,
    /// Which objectives the field applies to (e.g. `um` only to services).
    pub scope: Scope,
    /// What the field means for this kind (Italian).
    pub doc: &'static str,
    /// An example value, as TOML (for `piao new`).
    pub example: &'static str,
}

impl Field {
    pub const fn required(key: &'static str, doc: &'static str, example: &'static str) -> Self {
        Field {
            key,
            required: true,
            scope: Scope::Both,
            doc,
            example,
        }
    }
    pub const fn optional(key: &'static str, doc: &'static str, example: &'static str) -> Self {
        Field {
            key,
            required: false,
            scope: Scope::Both,
            doc,
            example,
        }
    }
    pub const fn only(self, scope: Scope) -> Self {
        Field { scope, ..self }
    }
    /// "`atteso` (facoltativo, gestionali)", as the catalogue lists it.
    pub fn describe(&self) -> String {
        let mut notes = Vec::new();
        if !self.required {
            notes.push("facoltativo");
        }
        match self.scope {
            Scope::Managed => notes.push("gestionali"),
            Scope::Service => notes.push("istituzionali"),
            Scope::Both => {}
        }
        if notes.is_empty() {
            format!("`{}`", self.key)
        } else {
            format!("`{}` ({})", self.key, notes.join(", "))
        }
    }
}

/// The static description of a kind of change.
#[derive(Debug)]
pub struct Spec {
    /// The `tipo` written in TOML.
    pub name: &'static str,
    /// What it does (Italian, for the editor's hover, `piao new` and the README).
    pub doc: &'static str,
    /// Which objectives may use it.
    pub scope: Scope,
    /// Its fields besides `tipo`.
    pub fields: &'static [Field],
    /// An example from an annex, for the README's catalogue.
    pub example: &'static str,
}

impl Spec {
    /// The fields an objective of this side may write.
    pub fn fields_for(&self, managed: bool) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(move |f| f.scope.admits(managed))
    }
    /// Whether `key` is a field of this kind (for either side).
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// Something in the scheda a change touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Phase(u32),
    Indicator(String),
    Activity(String),
    /// The scheda's orizzonte temporale.
    Horizon,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Phase(n) => write!(f, "fase {n}"),
            Target::Indicator(id) => write!(f, "indicatore `{id}`"),
            Target::Activity(id) => write!(f, "attività `{id}`"),
            Target::Horizon => f.write_str("l'orizzonte temporale"),
        }
    }
}

/// How a change touches its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Remove,
    Replace,
    Reword,
    Reschedule,
    Retarget,
}

impl Verb {
    /// Every verb (a new one that is not listed here fails to compile: see
    /// [`Verb::index`]).
    pub const ALL: [Verb; 5] = [
        Verb::Remove,
        Verb::Replace,
        Verb::Reword,
        Verb::Reschedule,
        Verb::Retarget,
    ];
    /// Its place in [`Verb::ALL`]; the match makes a verb missing there a compile error.
    pub const fn index(self) -> usize {
        match self {
            Verb::Remove => 0,
            Verb::Replace => 1,
            Verb::Reword => 2,
            Verb::Reschedule => 3,
            Verb::Retarget => 4,
        }
    }
    /// As diagnostics say it.
    pub fn label(self) -> &'static str {
        match self {
            Verb::Remove => "eliminare",
            Verb::Replace => "sostituire",
            Verb::Reword => "riformulare",
            Verb::Reschedule => "variazione temporale",
            Verb::Retarget => "variazione target",
        }
    }
    /// Two changes of the same target contradict each other when they ask the same
    /// thing twice, when one removes it, or when a replacement meets a rewording or a
    /// new schedule (the replacement already says both).
    pub fn contradicts(self, other: Verb) -> bool {
        use Verb::*;
        self == other
            || self == Remove
            || other == Remove
            || matches!(
                (self, other),
                (Replace, Reword)
                    | (Reword, Replace)
                    | (Replace, Reschedule)
                    | (Reschedule, Replace)
            )
    }
}

/// The heading a change is listed under in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Phases,
    /// Indicators; the group for a management objective's indicator.
    Indicators(Option<Group>),
    Activities,
}

impl Section {
    /// Where the section comes in a request: phases, then indicators (a management
    /// objective's by group, in the scheda's order: Quantità, Tempo, Costo, Qualità),
    /// then activities (after the indicators, as in the reference's requests).
    pub fn rank(self) -> usize {
        match self {
            Section::Phases => 0,
            Section::Indicators(None) => 1,
            Section::Indicators(Some(g)) => {
                1 + Group::ALL.iter().position(|x| *x == g).unwrap_or(0)
            }
            Section::Activities => 1 + Group::ALL.len(),
        }
    }
}

/// What a line of a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// What is asked, in capitals ("ELIMINARE", "SOSTITUIRE CON:").
    Action,
    /// A time change ("PROLUNGARE AL 31.1.2024"), highlighted.
    Time,
    /// A text of the scheda, quoted: always with a label saying which text it is.
    Quote,
    /// A value with its label ("Nuovo valore atteso: < 2%").
    Value,
}

/// One line of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    /// What the line is ("Fase 3, testo approvato:", "Nuovo target 2024:").
    pub label: String,
    pub text: String,
    /// For a new wording: the approved text, so that the new words can be marked.
    pub revision_of: Option<String>,
}

impl Line {
    pub fn action(text: impl Into<String>) -> Line {
        Line {
            kind: LineKind::Action,
            label: String::new(),
            text: text.into(),
            revision_of: None,
        }
    }
    pub fn time(label: impl Into<String>, text: impl Into<String>) -> Line {
        Line {
            kind: LineKind::Time,
            label: label.into(),
            text: text.into(),
            revision_of: None,
        }
    }
    pub fn quote(label: impl Into<String>, text: impl Into<String>) -> Line {
        Line {
            kind: LineKind::Quote,
            label: label.into(),
            text: text.into(),
            revision_of: None,
        }
    }
    /// A new wording of `approved`.
    pub fn revision(
        label: impl Into<String>,
        text: impl Into<String>,
        approved: impl Into<String>,
    ) -> Line {
        Line {
            kind: LineKind::Quote,
            label: label.into(),
            text: text.into(),
            revision_of: Some(approved.into()),
        }
    }
    pub fn value(label: impl Into<String>, text: impl Into<String>) -> Line {
        Line {
            kind: LineKind::Value,
            label: label.into(),
            text: text.into(),
            revision_of: None,
        }
    }
}

/// A change as open data: what it touches, its approved and its new value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exported {
    pub object: String,
    pub approved: String,
    pub amended: String,
}

/// What a change may read when it words itself: the objective's scheda (approved values
/// are kept in every row) and the plan.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub scheda: &'a Amended,
    pub plan: Plan,
    pub managed: bool,
    /// The service's indicators refer to school years (`anni_scolastici`).
    pub school_years: bool,
}

impl Context<'_> {
    /// A plan year as the scheda's columns name it (see [`year_label`]).
    pub fn year_label(&self, year: i32) -> String {
        year_label(year, self.school_years)
    }
    /// The plan's years as one label says them all: "2023/2024/2025" (as in the
    /// reference), or "a.s. 2024/2025, 2025/2026, 2026/2027" for school years.
    pub fn plan_years(&self) -> String {
        let years = self.plan.years();
        if self.school_years {
            let spans: Vec<String> = years.map(|y| format!("{}/{y}", y - 1)).collect();
            format!("a.s. {}", spans.join(", "))
        } else {
            years.map(|y| y.to_string()).collect::<Vec<_>>().join("/")
        }
    }
}

/// A year as the scheda's columns name it: "2025", or for a service in school years
/// the school year that ends in it, "a.s. 2024/2025". The scheda's column headings and
/// the request's target lines both use it, so that they say the same years.
pub fn year_label(year: i32, school_years: bool) -> String {
    if school_years {
        format!("a.s. {}/{year}", year - 1)
    } else {
        year.to_string()
    }
}

/// One kind of change.
pub trait Kind: Sized {
    /// Its `tipo`, fields and documentation.
    const SPEC: Spec;
    /// Types the change from its TOML table (the fields are already known to be the
    /// right ones); reports its problems and returns `None` on error.
    fn parse(cx: &mut ParseCx) -> Option<Self>;
    /// What it touches, and how (for contradictions).
    fn touches(&self) -> Vec<(Target, Verb)>;
    /// Phases to which the change, as written, gives a cronoprogramma (read before
    /// typing, so that a change with a mistake of its own does not also leave its
    /// phases "without a schedule").
    fn gives_schedule_to(_raw: &RawChange) -> Vec<u32> {
        Vec::new()
    }
    /// Changes the scheda.
    fn apply(&self, scheda: &mut Amended);
    /// The heading it is listed under in the request.
    fn section(&self, cx: &Context) -> Section;
    /// Its lines in the request.
    fn request(&self, cx: &Context) -> Vec<Line>;
    /// Its open-data row.
    fn export(&self, cx: &Context) -> Exported;
}

/// Declares the catalogue: one variant per kind, and the dispatch to its module.
macro_rules! catalogue {
    ($($variant:ident => $module:ident :: $ty:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// A change, checked and typed: one variant per kind.
        #[derive(Debug, Clone)]
        pub enum Change {
            $($variant($module::$ty)),*
        }

        /// Every kind, in the order the README and `piao new` list them.
        pub const SPECS: &[&Spec] = &[$(&<$module::$ty as Kind>::SPEC),*];

        impl Change {
            pub fn spec(&self) -> &'static Spec {
                match self {
                    $(Change::$variant(_) => &<$module::$ty as Kind>::SPEC),*
                }
            }
            fn parse_kind(name: &str, cx: &mut ParseCx) -> Option<Change> {
                $(if name == <$module::$ty as Kind>::SPEC.name {
                    return <$module::$ty as Kind>::parse(cx).map(Change::$variant);
                })*
                None
            }
            /// Phases to which a change, as written, gives a cronoprogramma.
            pub fn gives_schedule_to(raw: &RawChange) -> Vec<u32> {
                let name = raw.tipo.get_ref().trim();
                $(if name == <$module::$ty as Kind>::SPEC.name {
                    return <$module::$ty as Kind>::gives_schedule_to(raw);
                })*
                Vec::new()
            }
            pub fn touches(&self) -> Vec<(Target, Verb)> {
                match self {
                    $(Change::$variant(c) => c.touches()),*
                }
            }
            pub fn apply(&self, scheda: &mut Amended) {
                match self {
                    $(Change::$variant(c) => c.apply(scheda)),*
                }
            }
            pub fn section(&self, cx: &Context) -> Section {
                match self {
                    $(Change::$variant(c) => c.section(cx)),*
                }
            }
            pub fn request(&self, cx: &Context) -> Vec<Line> {
                match self {
                    $(Change::$variant(c) => c.request(cx)),*
                }
            }
            pub fn export(&self, cx: &Context) -> Exported {
                match self {
                    $(Change::$variant(c) => c.export(cx)),*
                }
            }
        }
    };
}

catalogue! {
    Reschedule => reschedule::Reschedule,
    RemovePhase => remove_phase::RemovePhase,
    ReplacePhase => replace_phase::ReplacePhase,
    RewordPhase => reword_phase::RewordPhase,
    ChangeHorizon => horizon::ChangeHorizon,
    RemoveIndicator => remove_indicator::RemoveIndicator,
    AddIndicator => add_indicator::AddIndicator,
    RewordIndicator => reword_indicator::RewordIndicator,
    Retarget => retarget::Retarget,
    RewordActivity => reword_activity::RewordActivity,
    AddActivity => add_activity::AddActivity,
    RemoveActivity => remove_activity::RemoveActivity,
}

impl Change {
    /// Types one change as written: finds its kind, checks that its fields are those of
    /// the kind, then lets the kind type it. Problems go into `report`.
    pub fn parse(
        raw: &toml::Spanned<RawChange>,
        refs: &Refs,
        plan: Plan,
        file: FileIdx,
        report: &mut Report,
    ) -> Option<Change> {
        let c = raw.get_ref();
        let name = c.tipo.get_ref().trim();
        let kind_span = c.tipo.span();
        let admitted: Vec<&str> = SPECS
            .iter()
            .filter(|k| k.scope.admits(refs.managed))
            .map(|k| k.name)
            .collect();
        let Some(spec) = SPECS.iter().find(|k| k.name == name) else {
            let d = Diagnostic::error(format!("tipo di modifica sconosciuto \"{name}\""))
                .at(file, kind_span);
            report.push(match crate::diag::suggest(name, admitted.iter().copied()) {
                Some(s) => d.hint(format!("forse \"{s}\"?")),
                None => d.hint(format!("tipi ammessi: {}", admitted.join(", "))),
            });
            return None;
        };
        if !spec.scope.admits(refs.managed) {
            report.push(
                Diagnostic::error(format!(
                    "il tipo \"{name}\" non si usa per un obiettivo {}",
                    side(refs.managed)
                ))
                .at(file, kind_span)
                .hint(format!("tipi ammessi: {}", admitted.join(", "))),
            );
            return None;
        }
        let present = c.present_keys();
        let mut ok = true;
        for field in spec.fields_for(refs.managed).filter(|f| f.required) {
            if !present.iter().any(|(k, _)| *k == field.key) {
                report.push(
                    Diagnostic::error(format!(
                        "per una modifica di tipo \"{name}\" serve il campo `{}`",
                        field.key
                    ))
                    .at(file, kind_span.clone())
                    .hint(format!("`{}`: {}", field.key, field.doc)),
                );
                ok = false;
            }
        }
        for (key, span) in &present {
            let message = match spec.field(key) {
                Some(f) if f.scope.admits(refs.managed) => continue,
                Some(_) => format!(
                    "il campo `{key}` vale solo per gli obiettivi {}",
                    sides(!refs.managed)
                ),
                None => format!("il campo `{key}` non si usa con una modifica di tipo \"{name}\""),
            };
            report.push(Diagnostic::error(message).at(file, span.clone()).also(
                file,
                kind_span.clone(),
                "tipo della modifica",
            ));
            ok = false;
        }
        if !ok {
            return None;
        }
        let mut cx = ParseCx {
            raw: c,
            refs,
            plan,
            file,
            report,
        };
        Change::parse_kind(spec.name, &mut cx)
    }

    /// The `tipo` of this change.
    pub fn name(&self) -> &'static str {
        self.spec().name
    }
}

fn side(managed: bool) -> &'static str {
    if managed {
        "gestionale"
    } else {
        "istituzionale"
    }
}

fn sides(managed: bool) -> &'static str {
    if managed {
        "gestionali"
    } else {
        "istituzionali"
    }
}

/// Reports every pair of changes of one objective that contradict each other (see
/// [`Verb::contradicts`]), each change given with the span of its `tipo`.
pub fn check_contradictions<'a>(
    changes: impl IntoIterator<Item = (&'a Change, &'a Range<usize>)>,
    file: FileIdx,
    report: &mut Report,
) {
    let mut seen: Vec<(Target, Verb, &Range<usize>)> = Vec::new();
    for (c, span) in changes {
        for (target, verb) in c.touches() {
            for (t, v, first) in &seen {
                if *t != target || !v.contradicts(verb) {
                    continue;
                }
                let message = if *v == verb {
                    format!(
                        "la stessa modifica su {target} è chiesta due volte (\"{}\")",
                        verb.label()
                    )
                } else {
                    format!(
                        "modifiche in contraddizione su {target}: \"{}\" e \"{}\"",
                        v.label(),
                        verb.label()
                    )
                };
                report.push(
                    Diagnostic::error(message)
                        .at(file, span.clone())
                        .also(file, (*first).clone(), format!("\"{}\" qui", v.label()))
                        .hint(if *v == Verb::Remove || verb == Verb::Remove {
                            "ciò che si elimina non può essere anche modificato: tieni una sola delle due modifiche"
                        } else {
                            "ogni modifica va chiesta una volta sola: unisci le due richieste"
                        }),
                );
            }
            seen.push((target, verb, span));
        }
    }
}

/// The README's table of the kinds of change, generated from their specs (a test keeps
/// the README equal to it).
#[cfg(test)]
pub fn catalogue_markdown() -> String {
    let mut out =
        String::from("| `tipo` | che cosa chiede | campi | esempio |\n| --- | --- | --- | --- |\n");
    for spec in std::iter::once(&&remove_objective::SPEC).chain(SPECS) {
        let fields: Vec<String> = spec.fields.iter().map(Field::describe).collect();
        out.push_str(&format!(
            "| `{}` | {}{} | {} | {} |\n",
            spec.name,
            spec.doc,
            spec.scope.note(),
            fields.join(", "),
            spec.example
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contradictions_are_symmetric() {
        use Verb::*;
        for (i, v) in Verb::ALL.iter().enumerate() {
            assert_eq!(v.index(), i, "{v:?} out of place in Verb::ALL");
        }
        for a in Verb::ALL {
            for b in Verb::ALL {
                assert_eq!(a.contradicts(b), b.contradicts(a), "{a:?} {b:?}");
            }
        }
        assert!(Remove.contradicts(Retarget));
        assert!(Replace.contradicts(Reschedule));
        assert!(!Reword.contradicts(Reschedule));
        assert!(!Reword.contradicts(Retarget));
    }

    #[test]
    fn every_kind_has_a_unique_name_and_documented_fields() {
        let mut names: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SPECS.len());
        for spec in SPECS {
            assert!(!spec.doc.is_empty(), "{}", spec.name);
            for f in spec.fields {
                assert!(!f.doc.is_empty(), "{}.{}", spec.name, f.key);
                assert!(!f.example.is_empty(), "{}.{}", spec.name, f.key);
                assert!(
                    crate::model::change::RAW_KEYS.contains(&f.key),
                    "{}.{} is not a key of a change",
                    spec.name,
                    f.key
                );
            }
        }
    }
}

#[cfg(test)]
mod readme {
    /// The README's catalogue is the one generated from the specs. To update it after a
    /// kind has been added, `PIAO_AGGIORNA=1 cargo test --lib readme` rewrites it between
    /// the two `catalogo` markers (or copy the text this test prints).
    #[test]
    fn readme_catalogue_is_generated_from_the_specs() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).expect("README.md");
        let begin = readme
            .find("<!-- catalogo:inizio")
            .expect("README has the catalogue's start marker");
        let from = begin + readme[begin..].find("-->\n").expect("marker ends") + 4;
        let to = readme.find("<!-- catalogo:fine -->").expect("end marker");
        let expected = super::catalogue_markdown();
        if std::env::var_os("PIAO_AGGIORNA").is_some() && readme[from..to] != expected {
            let updated = format!("{}{expected}{}", &readme[..from], &readme[to..]);
            std::fs::write(path, updated).expect("README.md written");
            return;
        }
        assert_eq!(
            &readme[from..to],
            expected,
            "README.md's catalogue is out of date (PIAO_AGGIORNA=1 cargo test --lib readme \
             rewrites it); it should read:\n{expected}"
        );
    }
}
