//! Italian formatting of numbers, money, percentages and dates, as the reference shows
//! them: `1.000,00 €`, `12,5%`, `100,00%`, `31.07.2023`, `31.1.2024`, `1.11`, `31-lug`.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

/// Italian month names, lowercase, January first (the keys of a cronoprogramma).
pub const MONTHS: &[&str; 12] = &[
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// Italian month names, lowercase, January first.
pub fn month_names() -> &'static [&'static str; 12] {
    MONTHS
}

/// A month name with a capital, as in the cronoprogramma header ("Gennaio").
pub fn month_title(month0: usize) -> String {
    let name = MONTHS[month0];
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Groups the integer part by thousands with dots and uses a decimal comma, keeping
/// exactly `scale` decimals (rounded half away from zero) or, with `None`, the
/// decimals the number has (trailing zeros dropped).
pub fn number(value: Decimal, scale: Option<u32>) -> String {
    let v = match scale {
        Some(s) => value.round_dp_with_strategy(s, RoundingStrategy::MidpointAwayFromZero),
        None => value.normalize(),
    };
    let negative = v.is_sign_negative() && !v.is_zero();
    let text = v.abs().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (text.clone(), String::new()),
    };
    let frac = match scale {
        Some(s) => format!("{frac:0<width$}", width = s as usize),
        None => frac,
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// `12,5%`, `100%`: as many decimals as the value has.
pub fn percent(value: Decimal) -> String {
    format!("{}%", number(value, None))
}

/// `70,00%`: always two decimals (personale).
pub fn percent2(value: Decimal) -> String {
    format!("{}%", number(value, Some(2)))
}

/// `1.000,00 €`; zero is shown as `- €`, as in the reference's totals.
pub fn money(value: Decimal) -> String {
    if value.is_zero() {
        "- €".to_string()
    } else {
        format!("{} €", number(value, Some(2)))
    }
}

/// `31.07.2023`.
pub fn date_dotted(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// `31.1.2024` (no leading zeros), as in "PROLUNGARE AL 31.1.2024".
pub fn date_short(d: NaiveDate) -> String {
    format!("{}.{}.{}", d.day(), d.month(), d.year())
}

/// `1.11` (day and month), as in "1.11 - 31.12".
pub fn day_month(d: NaiveDate) -> String {
    format!("{}.{}", d.day(), d.month())
}

/// `31-lug`, as in the cronoprogramma's "% Target al 31-lug".
pub fn day_month_abbr(d: NaiveDate) -> String {
    let m = MONTHS[d.month0() as usize];
    format!("{}-{}", d.day(), &m[..3])
}

/// `31 luglio 2023`.
pub fn date_long(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// The last day of a month.
pub fn last_day(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn numbers_the_italian_way() {
        assert_eq!(number(d("1000"), Some(2)), "1.000,00");
        assert_eq!(number(d("12000.5"), Some(2)), "12.000,50");
        assert_eq!(number(d("999"), None), "999");
        assert_eq!(number(d("1234567.891"), None), "1.234.567,891");
        assert_eq!(number(d("-1500"), Some(0)), "-1.500");
        assert_eq!(number(d("0.005"), Some(2)), "0,01");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(d("12.5")), "12,5%");
        assert_eq!(percent(d("100.00")), "100%");
        assert_eq!(percent(d("37.5")), "37,5%");
        assert_eq!(percent2(d("70")), "70,00%");
        assert_eq!(percent2(d("100")), "100,00%");
    }

    #[test]
    fn money_and_zero() {
        assert_eq!(money(d("1000")), "1.000,00 €");
        assert_eq!(money(d("12000")), "12.000,00 €");
        assert_eq!(money(d("0")), "- €");
    }

    #[test]
    fn dates() {
        let x = NaiveDate::from_ymd_opt(2023, 7, 31).unwrap();
        assert_eq!(date_dotted(x), "31.07.2023");
        assert_eq!(day_month_abbr(x), "31-lug");
        assert_eq!(date_long(x), "31 luglio 2023");
        let y = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        assert_eq!(date_short(y), "31.1.2024");
        assert_eq!(
            day_month(NaiveDate::from_ymd_opt(2023, 11, 1).unwrap()),
            "1.11"
        );
        assert_eq!(
            last_day(2024, 2),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            last_day(2023, 12),
            NaiveDate::from_ymd_opt(2023, 12, 31).unwrap()
        );
        assert_eq!(month_title(0), "Gennaio");
    }

    proptest! {
        #[test]
        fn formatted_numbers_read_back(cents in -1_000_000_000_000i64..1_000_000_000_000i64) {
            let value = Decimal::new(cents, 2);
            let text = number(value, Some(2));
            let back = crate::model::values::parse_decimal(&text).unwrap();
            prop_assert_eq!(back, value);
            // Groups of three digits, one decimal comma.
            prop_assert_eq!(text.matches(',').count(), 1);
            let int = text.trim_start_matches('-').split(',').next().unwrap();
            for (i, group) in int.split('.').enumerate() {
                let ok = if i == 0 { (1..=3).contains(&group.len()) } else { group.len() == 3 };
                prop_assert!(ok, "group {} of {}", i, text);
            }
        }

        #[test]
        fn percentages_keep_their_value(units in 0u32..100_000, scale in 0u32..4) {
            let value = Decimal::new(units as i64, scale);
            let text = percent(value);
            prop_assert!(text.ends_with('%'));
            let back = crate::model::values::parse_decimal(&text).unwrap();
            prop_assert_eq!(back, value.normalize());
        }
    }
}
