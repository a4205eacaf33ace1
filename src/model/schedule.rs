//! The cronoprogramma of a phase: percentages by month of the plan's first year, by
//! later year, and the share reached in previous years; with the figures derived from
//! it (total, target at a monitoring date, the period it covers).

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::Schedule;
use crate::format;

/// The years of the plan (first year is the one the months refer to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub first: i32,
    pub last: i32,
}

impl Plan {
    /// Every year of the plan, the first included.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.first..=self.last
    }
    /// How many years the plan has (at least one, even for a plan written backwards,
    /// which `check` reports).
    pub fn year_count(&self) -> usize {
        (self.last - self.first + 1).max(1) as usize
    }
    /// The years after the first, each with its own column.
    pub fn later_years(&self) -> impl Iterator<Item = i32> {
        self.first + 1..=self.last
    }
}

/// The key for "% raggiunta anni precedenti".
pub const PREVIOUS_KEY: &str = "precedenti";
/// The key for a share of the first year whose month the approved plan does not let
/// read ("non leggibile nel piano approvato"): counted in the total and in the target at
/// the end of the year, never placed in a month.
pub const ILLEGIBLE_KEY: &str = "non_leggibile";

/// A parsed cronoprogramma.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub previous: Decimal,
    pub months: [Decimal; 12],
    pub later: BTreeMap<i32, Decimal>,
    /// A share of the first year in a month the approved plan does not let read
    /// (`non_leggibile`): printed as such, never as a month.
    pub illegible: Decimal,
}

/// A problem with one key or value of a schedule, with its span.
#[derive(Debug, Clone)]
pub struct GridProblem {
    pub span: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl Grid {
    /// Reads a schedule as written against the plan's years.
    pub fn parse(schedule: &Schedule, plan: Plan) -> Result<Grid, Vec<GridProblem>> {
        let mut grid = Grid::default();
        let mut problems = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for entry in &schedule.entries {
            let key = entry.key.get_ref().trim().to_lowercase();
            let value = entry.value.get_ref().0;
            if value.is_sign_negative() || value > Decimal::from(100) {
                problems.push(GridProblem {
                    span: entry.value.span(),
                    message: format!(
                        "percentuale fuori scala: {} (deve stare tra 0 e 100)",
                        format::percent(value)
                    ),
                    hint: None,
                });
                continue;
            }
            if seen.contains(&key) {
                problems.push(GridProblem {
                    span: entry.key.span(),
                    message: format!("`{key}` compare due volte nel cronoprogramma"),
                    hint: None,
                });
                continue;
            }
            seen.push(key.clone());
            if key == PREVIOUS_KEY {
                grid.previous = value;
            } else if key == ILLEGIBLE_KEY {
                grid.illegible = value;
            } else if let Some(m) = format::month_names().iter().position(|n| *n == key) {
                grid.months[m] = value;
            } else if let Ok(year) = key.parse::<i32>() {
                if year > plan.first && year <= plan.last {
                    grid.later.insert(year, value);
                } else if year == plan.first {
                    problems.push(GridProblem {
                        span: entry.key.span(),
                        message: format!(
                            "{year} è il primo anno del piano: indica i mesi (gennaio … dicembre)"
                        ),
                        hint: None,
                    });
                } else {
                    problems.push(GridProblem {
                        span: entry.key.span(),
                        message: format!(
                            "l'anno {year} è fuori dal piano {}-{}",
                            plan.first, plan.last
                        ),
                        hint: Some(format!(
                            "gli anni successivi ammessi sono {}",
                            plan.later_years()
                                .map(|y| y.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    });
                }
            } else {
                let names = format::month_names()
                    .iter()
                    .copied()
                    .chain([PREVIOUS_KEY, ILLEGIBLE_KEY]);
                problems.push(GridProblem {
                    span: entry.key.span(),
                    message: format!(
                        "`{key}` non è un mese, un anno, `precedenti` o `non_leggibile`"
                    ),
                    hint: crate::diag::suggest(&key, names).map(|s| format!("forse `{s}`?")),
                });
            }
        }
        if problems.is_empty() {
            Ok(grid)
        } else {
            Err(problems)
        }
    }

    /// Previous years + months + later years. Values are bounded when read
    /// (`model::values::MAX_PERCENT`), and the sum saturates rather than overflow.
    pub fn total(&self) -> Decimal {
        sum(std::iter::once(&self.previous)
            .chain(&self.months)
            .chain([&self.illegible])
            .chain(self.later.values()))
    }

    /// % target at a monitoring date: the sum of the first year's months up to it; at
    /// the end of the year (31 December) also the share whose month cannot be read.
    pub fn target_at(&self, date: NaiveDate) -> Decimal {
        let upto = (date.month0() as usize).min(11);
        let months = sum(&self.months[..=upto]);
        if date.month() == 12 && date.day() == 31 {
            months.saturating_add(self.illegible)
        } else {
            months
        }
    }

    /// The first and last month (0-based) with a share, if any.
    pub fn month_span(&self) -> Option<(usize, usize)> {
        let first = self.months.iter().position(|m| !m.is_zero())?;
        let last = self.months.iter().rposition(|m| !m.is_zero())?;
        Some((first, last))
    }

    /// The last period with a share: a month of the first year or a later year.
    pub fn last_period(&self, plan: Plan) -> Option<Period> {
        if let Some((&year, _)) = self.later.iter().rev().find(|(_, v)| !v.is_zero()) {
            return Some(Period::Year(year));
        }
        self.month_span()
            .map(|(_, last)| Period::Month(plan.first, last as u32 + 1))
    }

    /// "1.4-30.4": the first year's months this phase covers, when it has no later years.
    pub fn period_label(&self, plan: Plan) -> Option<String> {
        let (first, last) = self.month_span()?;
        if self.later.values().any(|v| !v.is_zero()) {
            return None;
        }
        let start = NaiveDate::from_ymd_opt(plan.first, first as u32 + 1, 1)?;
        let end = format::last_day(plan.first, last as u32 + 1);
        Some(format!(
            "{}-{}",
            format::day_month(start),
            format::day_month(end)
        ))
    }
}

/// A sum that cannot panic: it saturates at the largest `Decimal`.
pub fn sum<'a>(values: impl IntoIterator<Item = &'a Decimal>) -> Decimal {
    values
        .into_iter()
        .fold(Decimal::ZERO, |acc, v| acc.saturating_add(*v))
}

/// A month of a year or a whole later year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    Month(i32, u32),
    Year(i32),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const PLAN: Plan = Plan {
        first: 2023,
        last: 2025,
    };

    fn grid(toml_text: &str) -> Result<Grid, Vec<GridProblem>> {
        #[derive(serde::Deserialize)]
        struct P {
            s: Schedule,
        }
        let p: P = toml::from_str(&format!("s = {toml_text}")).unwrap();
        Grid::parse(&p.s, PLAN)
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn target_is_the_sum_of_months_up_to_the_date() {
        let g = grid("{ maggio = 12.5, giugno = 12.5, luglio = 12.5, agosto = 12.5, settembre = 12.5, ottobre = 12.5, novembre = 12.5, dicembre = 12.5 }").unwrap();
        let july = NaiveDate::from_ymd_opt(2023, 7, 31).unwrap();
        let dec31 = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        assert_eq!(g.target_at(july), dec("37.5"));
        assert_eq!(g.target_at(dec31), dec("100"));
        assert_eq!(g.total(), dec("100"));
        let sep30 = NaiveDate::from_ymd_opt(2023, 9, 30).unwrap();
        assert_eq!(g.target_at(sep30), dec("62.5"));
    }

    #[test]
    fn total_counts_previous_and_later_years() {
        let g = grid("{ precedenti = 100, marzo = 100 }").unwrap();
        assert_eq!(g.total(), dec("200"));
        let g = grid("{ \"2024\" = 70, \"2025\" = 30 }").unwrap();
        assert_eq!(g.total(), dec("100"));
        assert_eq!(g.last_period(PLAN), Some(Period::Year(2025)));
        assert_eq!(g.period_label(PLAN), None);
    }

    #[test]
    fn period_label_spans_whole_months() {
        let g = grid("{ aprile = 100 }").unwrap();
        assert_eq!(g.period_label(PLAN).unwrap(), "1.4-30.4");
        let g = grid("{ novembre = 50, dicembre = 50 }").unwrap();
        assert_eq!(g.period_label(PLAN).unwrap(), "1.11-31.12");
        assert_eq!(g.last_period(PLAN), Some(Period::Month(2023, 12)));
    }

    #[test]
    fn sums_saturate_instead_of_panicking() {
        let g = Grid {
            previous: Decimal::MAX,
            months: [Decimal::MAX; 12],
            ..Grid::default()
        };
        assert_eq!(g.total(), Decimal::MAX);
        let dec31 = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        assert_eq!(g.target_at(dec31), Decimal::MAX);
    }

    #[test]
    fn an_illegible_share_counts_in_the_total_and_at_the_end_of_the_year() {
        let g = grid("{ giugno = 50, non_leggibile = 50 }").unwrap();
        assert_eq!(g.total(), dec("100"));
        assert_eq!(g.months.iter().filter(|m| !m.is_zero()).count(), 1);
        let july = NaiveDate::from_ymd_opt(2023, 7, 31).unwrap();
        let dec31 = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        assert_eq!(g.target_at(july), dec("50"));
        assert_eq!(g.target_at(dec31), dec("100"));
    }

    #[test]
    fn bad_keys_and_values_are_reported() {
        let problems =
            grid("{ marzio = 50, \"2026\" = 20, \"2023\" = 1, aprile = 150 }").unwrap_err();
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 4, "{messages:?}");
        let find = |needle: &str| problems.iter().find(|p| p.message.contains(needle));
        assert_eq!(
            find("marzio").and_then(|p| p.hint.as_deref()),
            Some("forse `marzo`?")
        );
        assert!(find("fuori dal piano").is_some(), "{messages:?}");
        assert!(find("primo anno").is_some(), "{messages:?}");
        assert!(find("fuori scala").is_some(), "{messages:?}");
    }
}
