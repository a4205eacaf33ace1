//! Typed values read from TOML: percentages, money, dates and schedules.
//!
//! Each type accepts the forms a person is likely to type (`70`, `12.5`, `"12,5%"`,
//! `"1.000,00 €"`, `2023-07-31`, `"31.07.2023"`) and refuses everything else with an
//! Italian message. Money and percentages are `rust_decimal::Decimal`, never floats.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use toml::Spanned;

/// Parses a decimal written the Italian or the programmer's way: `1.000,50`, `1000.50`,
/// `12,5`, with optional `%` or `€` and spaces.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let s: String = text
        .trim()
        .trim_end_matches('%')
        .trim_end_matches('€')
        .trim_start_matches('€')
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return None;
    }
    let normalized = if s.contains(',') {
        // Italian: dots group thousands, the comma is the decimal mark.
        s.replace('.', "").replace(',', ".")
    } else if s.matches('.').count() > 1 || looks_like_thousands(&s) {
        s.replace('.', "")
    } else {
        s
    };
    let body = normalized.strip_prefix('-').unwrap_or(&normalized);
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    // More decimals than a `Decimal` holds would be rounded away silently.
    if decimals_written(body) > MAX_DECIMALS as usize {
        return None;
    }
    Decimal::from_str(&normalized).ok()
}

/// `1.000` or `12.000.000` (groups of exactly three digits after each dot) is a
/// thousands-grouped integer, not a decimal.
fn looks_like_thousands(s: &str) -> bool {
    let mut parts = s.split('.');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && !first.is_empty()
        && first.len() <= 3
        && rest
            .iter()
            .all(|p| p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
}

/// The largest percentage accepted, either sign (larger ones are surely typos, and
/// bounding them keeps every sum of percentages far from overflowing).
pub const MAX_PERCENT: i64 = 1_000;
/// The largest amount in euro accepted, either sign (a thousand billion).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
/// Decimals an amount in euro may have (cents).
pub const AMOUNT_DECIMALS: u32 = 2;
/// Decimals a percentage may have: more than a `Decimal` holds would be lost silently.
pub const MAX_DECIMALS: u32 = 28;

fn decimal_from_f64(v: f64) -> Option<Decimal> {
    // The shortest representation of the float is what the person typed (`12.5`).
    if !v.is_finite() {
        return None;
    }
    let text = format!("{v}");
    if decimals_written(&text) > MAX_DECIMALS as usize {
        return None;
    }
    Decimal::from_str(&text).ok()
}

/// The decimals a number is written with (`0.0010` has 3), trailing zeros aside.
fn decimals_written(text: &str) -> usize {
    match text.split_once('.') {
        Some((_, frac)) => frac.trim_end_matches('0').len(),
        None => 0,
    }
}

/// The error for a number outside ±`max` (`what`: "percentuale", "importo").
fn out_of_range<E: de::Error>(what: &str, shown: &str, max: i64) -> E {
    E::custom(format!(
        "{what} fuori scala: {shown} (il limite è {} in valore assoluto)",
        crate::format::number(Decimal::from(max), None)
    ))
}

/// `value` if within ±`max`.
fn bounded<E: de::Error>(value: Decimal, what: &str, max: i64) -> Result<Decimal, E> {
    if value.abs() > Decimal::from(max) {
        Err(out_of_range(what, &value.normalize().to_string(), max))
    } else {
        Ok(value)
    }
}

/// An amount in euro: within ±[`MAX_AMOUNT`], with at most two decimals.
fn amount<E: de::Error>(value: Decimal) -> Result<Cost, E> {
    let value = bounded(value, "importo", MAX_AMOUNT)?;
    let scale = value.normalize().scale();
    if scale > AMOUNT_DECIMALS {
        return Err(cents_error(scale as usize));
    }
    Ok(Cost::Amount(value))
}

fn cents_error<E: de::Error>(decimals: usize) -> E {
    E::custom(format!(
        "un importo in euro ha al massimo due decimali, non {decimals}\naiuto: arrotonda ai centesimi"
    ))
}

/// A visitor that turns an integer, a float or a string into a `Decimal`.
struct DecimalVisitor(&'static str);

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        bounded(Decimal::from(v), "percentuale", MAX_PERCENT)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        bounded(Decimal::from(v), "percentuale", MAX_PERCENT)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if v.is_finite() && v.abs() > MAX_PERCENT as f64 {
            return Err(out_of_range("percentuale", &v.to_string(), MAX_PERCENT));
        }
        let d = decimal_from_f64(v).ok_or_else(|| {
            E::custom(format!(
                "percentuale non valida: {v} (ha più di {MAX_DECIMALS} decimali o non è un numero)"
            ))
        })?;
        bounded(d, "percentuale", MAX_PERCENT)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        let d = parse_decimal(v).ok_or_else(|| {
            E::custom(format!(
                "\"{v}\" non è un numero: scrivi per esempio 70, 12.5 oppure \"12,5\""
            ))
        })?;
        bounded(d, "percentuale", MAX_PERCENT)
    }
}

/// A percentage (`70` means 70%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Percent(pub Decimal);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor("una percentuale (es. 50 oppure \"12,5\")"))
            .map(Percent)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

/// A cost: an amount in euro, or "da determinare".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// An amount in euro.
    Amount(Decimal),
    /// Not known yet ("da determinare").
    ToBeDetermined,
}

/// The text that marks a cost as not yet known.
pub const TO_BE_DETERMINED: &str = "da determinare";

impl<'de> Deserialize<'de> for Cost {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CostVisitor;
        impl<'de> Visitor<'de> for CostVisitor {
            type Value = Cost;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "un importo in euro (es. 1000 oppure \"1.000,00\") o \"da determinare\"",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cost, E> {
                amount(Decimal::from(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cost, E> {
                amount(Decimal::from(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cost, E> {
                if v.is_finite() && v.abs() > MAX_AMOUNT as f64 {
                    return Err(out_of_range("importo", &v.to_string(), MAX_AMOUNT));
                }
                // 1e-30 would round to zero: more than cents is refused as written.
                let decimals = decimals_written(&format!("{v}"));
                if decimals > AMOUNT_DECIMALS as usize {
                    return Err(cents_error(decimals));
                }
                let d = decimal_from_f64(v)
                    .ok_or_else(|| E::custom(format!("importo non valido: {v}")))?;
                amount(d)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cost, E> {
                if v.trim().eq_ignore_ascii_case(TO_BE_DETERMINED) {
                    return Ok(Cost::ToBeDetermined);
                }
                let d = parse_decimal(v).ok_or_else(|| {
                    E::custom(format!(
                        "\"{v}\" non è un importo: scrivi per esempio 1000, \"1.000,00\" oppure \"da determinare\""
                    ))
                })?;
                amount(d)
            }
        }
        d.deserialize_any(CostVisitor)
    }
}

impl Serialize for Cost {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cost::Amount(a) => s.serialize_str(&a.to_string()),
            Cost::ToBeDetermined => s.serialize_str(TO_BE_DETERMINED),
        }
    }
}

/// A calendar date: a TOML date (`2023-07-31`) or a string `"31.07.2023"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// Parses `2023-07-31`, `31.07.2023`, `31/07/2023`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .ok()
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(d)?;
        let text = match &value {
            toml::Value::Datetime(dt) => {
                if dt.time.is_some() || dt.offset.is_some() {
                    return Err(de::Error::custom(
                        "serve una data senza ora (es. 2023-07-31)",
                    ));
                }
                dt.to_string()
            }
            toml::Value::String(s) => s.clone(),
            other => {
                return Err(de::Error::custom(format!(
                    "serve una data (es. 2023-07-31), non {}",
                    other.type_str()
                )))
            }
        };
        parse_date(&text).map(Date).ok_or_else(|| {
            de::Error::custom(format!(
                "\"{text}\" non è una data valida: scrivi per esempio 2023-07-31"
            ))
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%Y-%m-%d").to_string())
    }
}

/// One cell of a cronoprogramma as written: a key (`marzo`, `precedenti`, `2024`) and
/// its percentage, both with their place in the file.
#[derive(Debug, Clone)]
pub struct ScheduleEntry {
    pub key: Spanned<String>,
    pub value: Spanned<Percent>,
}

/// A cronoprogramma as written: keys in file order. `crate::model::schedule` turns it
/// into months and years once the plan's years are known.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub entries: Vec<ScheduleEntry>,
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ScheduleVisitor;
        impl<'de> Visitor<'de> for ScheduleVisitor {
            type Value = Schedule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "le percentuali per mese o anno tra graffe (es. { marzo = 50, aprile = 50 })",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Schedule, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value = map.next_value::<Spanned<Percent>>()?;
                    entries.push(ScheduleEntry { key, value });
                }
                Ok(Schedule { entries })
            }
        }
        d.deserialize_map(ScheduleVisitor)
    }
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for e in &self.entries {
            m.serialize_entry(e.key.get_ref(), e.value.get_ref())?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::dec;

    mod rust_decimal_macros_free {
        macro_rules! dec {
            ($s:literal) => {
                rust_decimal::Decimal::from_str_exact($s).unwrap()
            };
        }
        pub(crate) use dec;
    }

    #[test]
    fn decimals_in_both_notations() {
        assert_eq!(parse_decimal("12,5"), Some(dec!("12.5")));
        assert_eq!(parse_decimal("12.5"), Some(dec!("12.5")));
        assert_eq!(parse_decimal("12,5%"), Some(dec!("12.5")));
        assert_eq!(parse_decimal("1.000,00 €"), Some(dec!("1000.00")));
        assert_eq!(parse_decimal("1.000"), Some(dec!("1000")));
        assert_eq!(parse_decimal("12.000.000"), Some(dec!("12000000")));
        assert_eq!(parse_decimal("1000.50"), Some(dec!("1000.50")));
        assert_eq!(parse_decimal("-3"), Some(dec!("-3")));
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("1e5"), None);
        assert_eq!(parse_decimal("%"), None);
    }

    #[test]
    fn dates_in_three_notations() {
        let d = NaiveDate::from_ymd_opt(2023, 7, 31).unwrap();
        assert_eq!(parse_date("2023-07-31"), Some(d));
        assert_eq!(parse_date("31.07.2023"), Some(d));
        assert_eq!(parse_date("31/07/2023"), Some(d));
        assert_eq!(parse_date("31.02.2023"), None);
    }

    #[derive(Deserialize)]
    struct Probe {
        p: Percent,
        c: Cost,
        d: Date,
        s: Schedule,
    }

    #[test]
    fn values_from_toml() {
        let probe: Probe = toml::from_str(
            "p = 12.5\nc = \"da determinare\"\nd = 2023-07-31\ns = { marzo = 50, \"2024\" = 50 }\n",
        )
        .unwrap();
        assert_eq!(probe.p, Percent(dec!("12.5")));
        assert_eq!(probe.c, Cost::ToBeDetermined);
        assert_eq!(probe.d.0, NaiveDate::from_ymd_opt(2023, 7, 31).unwrap());
        assert_eq!(probe.s.entries.len(), 2);
        assert!(probe.s.entries.iter().any(|e| e.key.get_ref() == "2024"));
        let probe: Probe =
            toml::from_str("p = \"70\"\nc = 1000\nd = \"31.12.2023\"\ns = {}\n").unwrap();
        assert_eq!(probe.c, Cost::Amount(dec!("1000")));
        assert!(
            toml::from_str::<Probe>("p = 1\nc = \"gratis\"\nd = 2023-01-01\ns = {}\n").is_err()
        );
    }
}
