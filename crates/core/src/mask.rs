//! Masking of personal data for display (lists, printouts, screens visible to
//! other visitors). All functions work on `char`s, so Chinese text is never
//! cut in the middle of a UTF-8 sequence. They are for display only: masked
//! values must never be stored or compared.

const MASK: char = '*';

/// Keep the first `head` and last `tail` characters, replace the rest with
/// `*` (one per hidden character, so the length stays recognisable).
/// Callers guarantee `head + tail < chars.len()`.
fn keep_ends(chars: &[char], head: usize, tail: usize) -> String {
    let n = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i < head || i >= n - tail { c } else { MASK })
        .collect()
}

/// Fallback for short or unrecognised values: first and last character for
/// 3 or more characters, otherwise everything hidden (showing 1 of 2
/// characters would reveal half the value).
fn mask_short(chars: &[char]) -> String {
    if chars.len() >= 3 { keep_ends(chars, 1, 1) } else { chars.iter().map(|_| MASK).collect() }
}

/// Length from which [`mask_id_number`] keeps 6 + 4 characters. Below it
/// that rule would expose most of the value (10 of 11 characters for an
/// 11-character permit), so the short rule applies instead.
const ID_LONG_FROM: usize = 15;

/// Mask an identity or document number: 18-character ID card numbers (and
/// anything of 15+ characters) keep the first 6 (region) and last 4:
/// "440307199001011234" → "440307********1234". Shorter numbers (passports,
/// permits, HKID) keep the first and last character; under 3 characters
/// everything is hidden.
pub fn mask_id_number(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    if chars.len() >= ID_LONG_FROM { keep_ends(&chars, 6, 4) } else { mask_short(&chars) }
}

/// Mask a phone number: 11 digits (mainland) keep 3 + 4, "13800138000" →
/// "138****8000"; 8 digits (Hong Kong / Macau) keep 2 + 2, "91234567" →
/// "91****67". A country-code prefix as produced by `Phone::display`
/// ("+852 91234567") is kept visible and the rest masked by the same rules;
/// other lengths fall back to first and last character.
pub fn mask_phone(s: &str) -> String {
    let s = s.trim();
    let (prefix, number) = match s.split_once(' ') {
        Some((cc, rest)) if cc.starts_with('+') => (format!("{cc} "), rest),
        _ => (String::new(), s),
    };
    let chars: Vec<char> = number.chars().collect();
    let masked = match chars.len() {
        n if n >= 11 => keep_ends(&chars, 3, 4),
        8..=10 => keep_ends(&chars, 2, 2),
        _ => mask_short(&chars),
    };
    prefix + &masked
}

/// Mask a personal name, following the common Chinese convention: keep the
/// first and last character and hide the middle ("张三卫" → "张*卫",
/// "欧阳娜娜" → "欧**娜"); two-character names keep only the first
/// ("张三" → "张*"), since the last character would be half the name;
/// a one-character name is fully hidden. Latin names are treated the same,
/// spaces included, so the word structure is not revealed either:
/// "Chan Tai Man" → "C**********n".
pub fn mask_name(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => MASK.to_string(),
        2 => format!("{}{MASK}", chars[0]),
        _ => keep_ends(&chars, 1, 1),
    }
}

/// The last four characters of a document number: with the room, what tells two guests of the
/// same masked name apart ("罗*华 · 301 · 尾号 1234") without showing the number.
pub fn doc_tail(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_tails() {
        assert_eq!(doc_tail("11010519491231002X"), "002X");
        assert_eq!(doc_tail(" H12345678 "), "5678");
        assert_eq!(doc_tail("A12"), "A12");
        assert_eq!(doc_tail(""), "");
    }

    #[test]
    fn id_numbers() {
        let cases = [
            ("440307199001011234", "440307********1234"),
            ("11010519491231002X", "110105********002X"),
            (" 440307199001011234 ", "440307********1234"),
            ("91350100M000100Y43", "913501********0Y43"),
            ("110105491231002", "110105*****1002"),
            ("E12345678", "E*******8"),
            ("H1234567890", "H*********0"),
            ("A123456(3)", "A********)"),
            ("ABC", "A*C"),
            ("AB", "**"),
            ("A", "*"),
            ("", ""),
            ("证件号码一二三", "证*****三"),
        ];
        for (input, want) in cases {
            assert_eq!(mask_id_number(input), want, "{input:?}");
        }
    }

    #[test]
    fn phones() {
        let cases = [
            ("13800138000", "138****8000"),
            ("91234567", "91****67"),
            ("61234567", "61****67"),
            ("+852 91234567", "+852 91****67"),
            ("+853 61234567", "+853 61****67"),
            ("+8613800138000", "+86*******8000"),
            ("1234", "1**4"),
            ("12", "**"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(mask_phone(input), want, "{input:?}");
        }
    }

    #[test]
    fn names() {
        let cases = [
            ("张三卫", "张*卫"),
            ("张三", "张*"),
            ("欧阳娜娜", "欧**娜"),
            ("司马相如", "司**如"),
            ("王", "*"),
            ("", ""),
            ("  李四  ", "李*"),
            ("Chan Tai Man", "C**********n"),
            ("Al", "A*"),
            ("阿卜杜拉·艾力", "阿*****力"),
        ];
        for (input, want) in cases {
            assert_eq!(mask_name(input), want, "{input:?}");
        }
    }

    #[test]
    fn masks_preserve_char_count() {
        for s in ["440307199001011234", "欧阳娜娜", "Chan Tai Man", "13800138000"] {
            let n = s.chars().count();
            assert_eq!(mask_id_number(s).chars().count(), n);
            assert_eq!(mask_name(s).chars().count(), n);
            assert_eq!(mask_phone(s).chars().count(), n);
        }
    }
}
