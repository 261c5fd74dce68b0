//! kubectl's command line as cobra and pflag read it: flags before or after positional
//! arguments, `--flag value`, `--flag=value`, `-o yaml`, `-oyaml`, `-o=yaml`, boolean flags
//! with an optional `=true|false`, and `--` ending the flags.

/// One flag a command accepts.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// The long name, without dashes.
    pub long: &'static str,
    /// The one-letter shorthand, if any.
    pub short: Option<char>,
    /// Whether it takes a value (`-o yaml`); otherwise it is boolean.
    pub takes_value: bool,
}

/// A value-taking flag.
pub const fn value(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        takes_value: true,
    }
}

/// A boolean flag.
pub const fn boolean(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        takes_value: false,
    }
}

/// Flags every kubectl command accepts (`kubectl options`), as far as the emulator knows
/// them.
pub const GLOBAL: &[Flag] = &[
    value("namespace", Some('n')),
    value("context", None),
    value("cluster", None),
    value("kubeconfig", None),
    value("user", None),
    value("request-timeout", None),
    value("v", Some('v')),
];

/// A parsed command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Arguments that are not flags, in order (before `--`).
    pub positionals: Vec<String>,
    /// Flags by long name with their values (`"true"` for a bare boolean), in order.
    pub flags: Vec<(&'static str, String)>,
    /// Everything after `--`.
    pub after_dash: Vec<String>,
}

impl Parsed {
    /// The last value of a flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable flag, in order.
    pub fn values(&self, long: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(l, _)| *l == long)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a boolean flag is set (and not `=false`).
    pub fn is_set(&self, long: &str) -> bool {
        self.value(long).is_some_and(|v| v != "false")
    }

    /// Whether a flag appears at all.
    pub fn has(&self, long: &str) -> bool {
        self.flags.iter().any(|(l, _)| *l == long)
    }
}

/// Parses `args` with the command's flags and the global ones.
///
/// # Errors
/// pflag's messages: `unknown flag: --x`, `unknown shorthand flag: 'x' in -x`,
/// `flag needs an argument: --x`, `invalid argument "x" for "--flag" flag: ...`.
pub fn parse(args: &[String], flags: &[Flag]) -> Result<Parsed, String> {
    let find_long = |name: &str| flags.iter().chain(GLOBAL).find(|f| f.long == name).copied();
    let find_short = |c: char| {
        flags
            .iter()
            .chain(GLOBAL)
            .find(|f| f.short == Some(c))
            .copied()
    };
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            out.after_dash = args[i..].to_vec();
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (body, None),
            };
            let flag = find_long(name).ok_or_else(|| format!("unknown flag: --{name}"))?;
            let value = if flag.takes_value {
                match inline {
                    Some(v) => v,
                    None => {
                        let v = args
                            .get(i)
                            .ok_or_else(|| format!("flag needs an argument: --{name}"))?;
                        i += 1;
                        v.clone()
                    }
                }
            } else {
                boolean_value(inline, &format!("--{name}"))?
            };
            out.flags.push((flag.long, value));
            continue;
        }
        if let Some(body) = arg.strip_prefix('-').filter(|b| !b.is_empty()) {
            for (at, c) in body.char_indices() {
                let flag = find_short(c)
                    .ok_or_else(|| format!("unknown shorthand flag: '{c}' in -{body}"))?;
                let rest = &body[at + c.len_utf8()..];
                if flag.takes_value {
                    let value = if let Some(v) = rest.strip_prefix('=') {
                        v.to_owned()
                    } else if !rest.is_empty() {
                        rest.to_owned()
                    } else {
                        let v = args
                            .get(i)
                            .ok_or_else(|| format!("flag needs an argument: '{c}' in -{body}"))?;
                        i += 1;
                        v.clone()
                    };
                    out.flags.push((flag.long, value));
                    break;
                }
                if let Some(v) = rest.strip_prefix('=') {
                    out.flags.push((
                        flag.long,
                        boolean_value(Some(v.to_owned()), &format!("-{c}"))?,
                    ));
                    break;
                }
                out.flags.push((flag.long, "true".to_owned()));
            }
            continue;
        }
        out.positionals.push(arg.clone());
    }
    Ok(out)
}

fn boolean_value(inline: Option<String>, name: &str) -> Result<String, String> {
    match inline.as_deref() {
        None => Ok("true".to_owned()),
        Some("true" | "1" | "t" | "T" | "TRUE" | "True") => Ok("true".to_owned()),
        Some("false" | "0" | "f" | "F" | "FALSE" | "False") => Ok("false".to_owned()),
        Some(other) => Err(format!(
            "invalid argument \"{other}\" for \"{name}\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax"
        )),
    }
}

/// Splits a line of a script into words as a shell would for simple cases: spaces
/// separate words, single and double quotes group, a backslash escapes the next
/// character outside single quotes, and `#` at the start of a word begins a comment.
///
/// # Errors
/// An unterminated quote.
pub fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err("unterminated single quote".to_owned()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch) => word.push(ch),
                            None => return Err("unterminated double quote".to_owned()),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err("unterminated double quote".to_owned()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    word.push(ch);
                }
            }
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    const FLAGS: &[Flag] = &[
        value("output", Some('o')),
        value("selector", Some('l')),
        boolean("all-namespaces", Some('A')),
        boolean("show-labels", None),
    ];

    #[test]
    fn flags_anywhere_in_every_spelling() {
        let p = parse(
            &strings(&[
                "pods",
                "-oyaml",
                "-l",
                "app=x",
                "--show-labels",
                "-nkube-system",
                "web",
            ]),
            FLAGS,
        )
        .expect("parses");
        assert_eq!(p.positionals, strings(&["pods", "web"]));
        assert_eq!(p.value("output"), Some("yaml"));
        assert_eq!(p.value("selector"), Some("app=x"));
        assert_eq!(p.value("namespace"), Some("kube-system"));
        assert!(p.is_set("show-labels"));
        let p = parse(
            &strings(&["-o=wide", "--all-namespaces=false", "-A"]),
            FLAGS,
        )
        .expect("ok");
        assert_eq!(p.value("output"), Some("wide"));
        assert!(p.is_set("all-namespaces"));
    }

    #[test]
    fn pflag_errors() {
        assert_eq!(
            parse(&strings(&["--image=x"]), FLAGS),
            Err("unknown flag: --image".to_owned())
        );
        assert_eq!(
            parse(&strings(&["-x"]), FLAGS),
            Err("unknown shorthand flag: 'x' in -x".to_owned())
        );
        assert_eq!(
            parse(&strings(&["-o"]), FLAGS),
            Err("flag needs an argument: 'o' in -o".to_owned())
        );
    }

    #[test]
    fn script_lines_split_like_a_shell() {
        assert_eq!(
            shell_words("kubectl label node w1 'team=a b' \"x=\\\"y\" # note").expect("ok"),
            strings(&["kubectl", "label", "node", "w1", "team=a b", "x=\"y"])
        );
        assert!(shell_words("get 'x").is_err());
    }
}
