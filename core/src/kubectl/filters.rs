//! The shell filters the study guide pipes kubectl into: `| grep [-i] [-v] [-A N] [-B N]
//! [-C N] PATTERN`, `| head [-n N]`, `| tail [-n N]`. They take standard output as a
//! shell pipe would; standard error passes by.

use super::{Output, Stream};

fn count(args: &[String], i: &mut usize, flag: &str) -> Result<usize, String> {
    let arg = &args[*i];
    let inline = arg.strip_prefix(flag).filter(|v| !v.is_empty());
    let text = match inline {
        Some(v) => v.to_owned(),
        None => {
            *i += 1;
            args.get(*i).cloned().unwrap_or_default()
        }
    };
    text.trim_start_matches('-')
        .parse()
        .map_err(|_| format!("invalid number: '{text}'"))
}

fn grep(text: &str, args: &[String]) -> Result<(String, bool), String> {
    let (mut after, mut before) = (0, 0);
    let (mut ignore_case, mut invert) = (false, false);
    let mut pattern = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        match arg {
            "-i" => ignore_case = true,
            "-v" => invert = true,
            "-E" | "-F" => {}
            a if a.starts_with("-A") => after = count(args, &mut i, "-A")?,
            a if a.starts_with("-B") => before = count(args, &mut i, "-B")?,
            a if a.starts_with("-C") => {
                after = count(args, &mut i, "-C")?;
                before = after;
            }
            a if a.starts_with('-') && a.len() > 1 => {
                return Err(format!("grep: option {a} is not emulated"))
            }
            a => {
                if pattern.is_none() {
                    pattern = Some(a.to_owned());
                }
            }
        }
        i += 1;
    }
    let Some(pattern) = pattern else {
        return Err("Usage: grep [OPTION]... PATTERNS".to_owned());
    };
    let needle = if ignore_case {
        pattern.to_lowercase()
    } else {
        pattern.clone()
    };
    let lines: Vec<&str> = text.lines().collect();
    let hits: Vec<bool> = lines
        .iter()
        .map(|l| {
            let hay = if ignore_case {
                l.to_lowercase()
            } else {
                (*l).to_owned()
            };
            hay.contains(&needle) != invert
        })
        .collect();
    let mut keep = vec![false; lines.len()];
    for (i, &hit) in hits.iter().enumerate() {
        if hit {
            let from = i.saturating_sub(before);
            let to = (i + after).min(lines.len().saturating_sub(1));
            for k in keep.iter_mut().take(to + 1).skip(from) {
                *k = true;
            }
        }
    }
    let mut out = String::new();
    let mut last: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        if (before > 0 || after > 0) && last.is_some_and(|l| l + 1 < i) {
            out.push_str("--\n");
        }
        out.push_str(line);
        out.push('\n');
        last = Some(i);
    }
    Ok((out, hits.iter().any(|h| *h)))
}

fn head_or_tail(text: &str, args: &[String], head: bool) -> Result<String, String> {
    let mut n = 10;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a.starts_with("-n") {
            n = count(args, &mut i, "-n")?;
        } else if let Some(num) = a.strip_prefix('-').and_then(|d| d.parse().ok()) {
            n = num;
        }
        i += 1;
    }
    let lines: Vec<&str> = text.lines().collect();
    let chosen: Vec<&str> = if head {
        lines.into_iter().take(n).collect()
    } else {
        let skip = lines.len().saturating_sub(n);
        lines.into_iter().skip(skip).collect()
    };
    Ok(chosen.iter().map(|l| format!("{l}\n")).collect())
}

/// Runs `output`'s standard output through one filter.
pub fn apply(output: Output, filter: &[String]) -> Output {
    let stdout = output.stdout();
    let mut result = Output::default();
    for (stream, text) in &output.chunks {
        if *stream == Stream::Err {
            result.eprint(text.clone());
        }
    }
    let Some((name, args)) = filter.split_first() else {
        result.eprint("dsim: an empty pipe stage\n");
        result.code = 1;
        return result;
    };
    let filtered = match name.as_str() {
        "grep" => grep(&stdout, args).map(|(text, found)| {
            if !found && (output.code != 0 && stdout.is_empty()) {
                result.code = output.code;
            } else if !found {
                result.code = 1;
                let pattern = args
                    .iter()
                    .rfind(|a| !a.starts_with('-'))
                    .cloned()
                    .unwrap_or_default();
                let plural = pattern.replacen(' ', "s ", 1);
                let hint = if plural != pattern && stdout.contains(&plural) {
                    format!(" (the output has \"{plural}\")")
                } else {
                    String::new()
                };
                result.eprint(format!(
                    "dsim: grep found no line with \"{pattern}\"{hint}\n"
                ));
            }
            text
        }),
        "head" => head_or_tail(&stdout, args, true),
        "tail" => head_or_tail(&stdout, args, false),
        other => Err(format!(
            "dsim: | {other} is not emulated (grep, head and tail are)"
        )),
    };
    match filtered {
        Ok(text) => {
            result.print(text);
            if result.code == 0 {
                result.code = output.code;
            }
        }
        Err(e) => {
            result.eprint(format!("{e}\n"));
            result.code = 2;
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn grep_with_context() {
        let text = "a\nTaints: x\nb\nc\nd\n";
        let out = apply(Output::ok(text), &words("grep Taints"));
        assert_eq!(out.stdout(), "Taints: x\n");
        let out = apply(Output::ok(text), &words("grep -A 1 Taints"));
        assert_eq!(out.stdout(), "Taints: x\nb\n");
        let out = apply(Output::ok(text), &words("grep -i taints"));
        assert_eq!(out.stdout(), "Taints: x\n");
    }

    #[test]
    fn grep_without_a_match_fails_with_a_hint() {
        let out = apply(
            Output::ok("Pods Status:  1 Running\n"),
            &["grep".to_owned(), "Pod Status".to_owned()],
        );
        assert_eq!(out.code, 1);
        assert_eq!(out.stdout(), "");
        assert!(out.stderr().contains("Pods Status"), "{}", out.stderr());
    }

    #[test]
    fn head_and_tail() {
        let out = apply(Output::ok("1\n2\n3\n"), &words("head -n 2"));
        assert_eq!(out.stdout(), "1\n2\n");
        let out = apply(Output::ok("1\n2\n3\n"), &words("tail -1"));
        assert_eq!(out.stdout(), "3\n");
    }
}
