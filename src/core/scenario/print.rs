//! What a `print` op writes: Go's `fmt.Println` and `fmt.Printf` over the values a scenario
//! has (integers, strings and the empty struct a valueless send carries).

use std::fmt::Write;

/// A value held by a goroutine variable, a channel's buffer or a `print`'s arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// An `int`.
    Int(i64),
    /// A `string`.
    Str(String),
    /// `struct{}{}`: what a send without a value carries.
    Unit,
    /// `nil`: the zero value of `any` (a closed `chan any`).
    Nil,
}

impl Val {
    /// The type name Go's `fmt` shows in its error notes (`%!d(string=hi)`).
    fn type_name(&self) -> &'static str {
        match self {
            Val::Int(_) => "int",
            Val::Str(_) => "string",
            Val::Unit => "struct {}",
            Val::Nil => "<nil>",
        }
    }

    /// `%v`.
    fn plain(&self) -> String {
        match self {
            Val::Int(n) => n.to_string(),
            Val::Str(s) => s.clone(),
            Val::Unit => "{}".into(),
            Val::Nil => "<nil>".into(),
        }
    }
}

/// What a program printed in `events`: the texts of their `Print` events, in order. Given the
/// events of steps 1..=N, what it has printed up to step N.
pub fn output(events: &[crate::core::event::Event]) -> String {
    events
        .iter()
        .filter_map(|e| match &e.what {
            crate::core::event::What::Print { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// `fmt.Println(args...)`: the operands' default formats separated by spaces, then a newline.
pub fn println(args: &[Val]) -> String {
    let mut out = args.iter().map(Val::plain).collect::<Vec<_>>().join(" ");
    out.push('\n');
    out
}

/// `fmt.Printf(format, args...)` for the verbs `%v %d %s %q %x %X %c %%`, the flags `-`, `0`
/// and `+`, and a width; Go's own notes for a wrong verb (`%!d(string=a)`), a missing argument
/// (`%!d(MISSING)`) and extra arguments (`%!(EXTRA int=1)`).
pub fn printf(format: &str, args: &[Val]) -> String {
    let mut out = String::new();
    let mut next = 0usize;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut minus, mut zero, mut plus) = (false, false, false);
        while let Some(&f) = chars.peek() {
            match f {
                '-' => minus = true,
                '0' => zero = true,
                '+' => plus = true,
                _ => break,
            }
            chars.next();
        }
        let mut width = 0usize;
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            width = (width * 10 + d as usize).min(1_000);
            chars.next();
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(v) = args.get(next) else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        next += 1;
        let body = match (verb, v) {
            ('v', _) | ('d', Val::Int(_)) | ('s', Val::Str(_)) => match v {
                Val::Int(n) if plus && *n >= 0 => format!("+{n}"),
                _ => v.plain(),
            },
            ('d', Val::Unit) | ('s', Val::Unit) => "{}".into(),
            ('q', Val::Str(s)) => format!("{s:?}"),
            ('x', Val::Int(n)) => hex(*n, false),
            ('X', Val::Int(n)) => hex(*n, true),
            ('x', Val::Str(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
            ('c', Val::Int(n)) => char::from_u32(*n as u32).unwrap_or('\u{fffd}').to_string(),
            (_, Val::Nil) => format!("%!{verb}(<nil>)"),
            _ => {
                let _ = write!(out, "%!{verb}({}={})", v.type_name(), v.plain());
                continue;
            }
        };
        let pad = width.saturating_sub(body.chars().count());
        if minus {
            out.push_str(&body);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if zero && matches!(v, Val::Int(_)) {
            let (sign, digits) = if body.starts_with(['-', '+']) { body.split_at(1) } else { ("", body.as_str()) };
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&body);
        }
    }
    if next < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> =
            args[next..].iter().map(|v| if *v == Val::Nil { "<nil>".to_string() } else { format!("{}={}", v.type_name(), v.plain()) }).collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

fn hex(n: i64, upper: bool) -> String {
    let (sign, digits) = (if n < 0 { "-" } else { "" }, n.unsigned_abs());
    // `{:X}` rather than upper-casing `{:x}`: the same text, without Unicode's case tables.
    if upper {
        format!("{sign}{digits:X}")
    } else {
        format!("{sign}{digits:x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_of_negative_and_extreme_integers() {
        let v = [Val::Int(-255), Val::Int(-1), Val::Int(i64::MIN), Val::Int(i64::MAX), Val::Int(0)];
        assert_eq!(printf("%X %x %X %x %X", &v), "-FF -1 -8000000000000000 7fffffffffffffff 0");
    }

    #[test]
    fn println_separates_operands_with_spaces() {
        assert_eq!(println(&[Val::Str("worker".into()), Val::Int(3), Val::Unit]), "worker 3 {}\n");
        assert_eq!(println(&[]), "\n");
    }

    #[test]
    fn printf_verbs_widths_and_go_notes() {
        let a = [Val::Int(7), Val::Str("ab".into())];
        assert_eq!(printf("%d-%s|%v %v\n", &[a[0].clone(), a[1].clone(), a[0].clone(), a[1].clone()]), "7-ab|7 ab\n");
        assert_eq!(printf("[%3d][%-3d][%03d][%q][%x]", &[Val::Int(5), Val::Int(5), Val::Int(-5), a[1].clone(), Val::Int(255)]), "[  5][5  ][-05][\"ab\"][ff]");
        assert_eq!(printf("%d %d", &[Val::Int(1)]), "1 %!d(MISSING)");
        assert_eq!(printf("%d", &[a[1].clone()]), "%!d(string=ab)");
        assert_eq!(printf("x", &[Val::Int(1), a[1].clone()]), "x%!(EXTRA int=1, string=ab)");
        assert_eq!(printf("100%%", &[]), "100%");
    }
}
