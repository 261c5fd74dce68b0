//! How deep YAML flow collections (`[...]`, `{...}`) nest: the YAML reader's own limit is
//! found only after work that grows with the square of the depth, so the reading checks
//! first, with one quick scan of the text.

/// The deepest nesting of YAML flow collections read. The YAML reader's own limit is 128,
/// but it finds out only after work that grows with the square of the depth, so deeper
/// input is refused up front.
pub const MAX_FLOW_DEPTH: u32 = 128;

/// Where flow collections (`[`, `{`) first nest deeper than [`MAX_FLOW_DEPTH`], if they do.
/// Brackets inside quoted scalars and comments do not count.
pub fn too_deep_flow(text: &str) -> Option<(u32, u32)> {
    // Every byte that matters is ASCII, so the scan goes byte by byte; the column (in
    // characters) is counted only for the answer.
    let bytes = text.as_bytes();
    // Most texts do not even have that many brackets: counting them is much cheaper.
    let openers = bytes.iter().filter(|&&b| b == b'[' || b == b'{').count();
    if openers <= MAX_FLOW_DEPTH as usize {
        return None;
    }
    let mut depth: u32 = 0;
    let mut line: u32 = 1;
    let mut line_start = 0;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut in_comment = false;
    let mut previous = b'\n';
    for (i, &c) in bytes.iter().enumerate() {
        if c == b'\n' {
            line += 1;
            line_start = i + 1;
            in_comment = false;
            previous = c;
            continue;
        }
        if in_comment {
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == b'"' && c == b'\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            previous = c;
            continue;
        }
        match c {
            b'#' if previous.is_ascii_whitespace() => in_comment = true,
            b'"' | b'\''
                if matches!(previous, b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':') =>
            {
                quote = Some(c)
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    let column = text[line_start..=i].chars().count();
                    return Some((line, u32::try_from(column).unwrap_or(u32::MAX)));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_depth_guard_ignores_quotes_and_comments() {
        let deep = format!("a: {}", "[".repeat(200));
        assert_eq!(too_deep_flow(&deep), Some((1, 4 + 128)));
        let quoted = format!(
            "a: \"{}\"\nb: '{}'\n# {}\n",
            "[".repeat(200),
            "{".repeat(200),
            "[".repeat(200)
        );
        assert_eq!(too_deep_flow(&quoted), None);
        assert_eq!(too_deep_flow(&"[]".repeat(1000)), None);
    }
}
