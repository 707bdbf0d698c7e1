//! Finding a command among 130: the commands by domain (`qys --help`), the
//! short help a bare `qys` prints, one domain's commands (`qys help
//! contracts`), and the few nearest commands to a mistyped one, nearest first.

use crate::index::IndexedOperation;

/// Commands suggested for a mistyped one, at most.
const SUGGESTIONS: usize = 3;

/// What a bare `qys` prints: how to call, and where to look next.
pub fn short_help(index: &[IndexedOperation]) -> String {
    let mut out = String::from(
        "qys: call the 契约锁 (QiYueSuo) open platform API, or run its mock.\n\n\
         Usage: qys [OPTIONS] <COMMAND> [FLAGS]   (without --server, the embedded mock answers)\n\n\
         Commands by domain (qys help DOMAIN lists one):\n",
    );
    for domain in domains(index) {
        let count = index.iter().filter(|entry| entry.domain == domain).count();
        out.push_str(&format!("  {:28} {count} commands\n", domain_name(domain)));
    }
    out.push_str("\nAlso: qys mock, qys config show, qys completions SHELL. qys --help lists every command.");
    out
}

/// `qys help DOMAIN`: the domain's commands, if `name` is a domain.
pub fn domain_help(index: &[IndexedOperation], name: &str) -> Option<String> {
    let wanted = name.to_lowercase();
    let domain = domains(index).into_iter().find(|domain| domain_name(domain) == wanted)?;
    Some(format!("{}\n\nqys <COMMAND> --help for one's flags.", domain_listing(index, domain)))
}

/// The names of `known` near to `typed` (Jaro-Winkler above 0.8, letter case
/// aside), nearest first, at most `most`: every "did you mean" of `qys`.
pub fn nearest_names<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>, most: usize) -> Vec<&'a str> {
    let typed = typed.to_lowercase();
    let mut scored: Vec<(f64, &'a str)> = known
        .into_iter()
        .map(|name| (strsim::jaro_winkler(&typed, &name.to_lowercase()), name))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(most).map(|(_, name)| name).collect()
}

/// The commands nearest to `typed`, nearest first.
pub fn nearest(index: &[IndexedOperation], extra: &[&'static str], typed: &str) -> Vec<&'static str> {
    nearest_names(typed, index.iter().map(|entry| entry.command).chain(extra.iter().copied()), SUGGESTIONS)
}

/// The error for an unknown command: its nearest, and where to look.
pub fn unknown(index: &[IndexedOperation], extra: &[&'static str], typed: &str) -> String {
    let nearest = nearest(index, extra, typed);
    let mut out = format!("error: unknown command `{typed}`");
    if !nearest.is_empty() {
        out.push_str(&format!("; did you mean: {}", nearest.join(", ")));
    }
    out.push_str(
        "\n\nqys help DOMAIN lists a domain's commands (qys alone lists the domains); qys --help lists them all.",
    );
    out
}

/// The help's width: clap leaves lines this short as they are on the usual
/// terminals, so the listing keeps its columns.
const HELP_WIDTH: usize = 80;
/// Commands longer than this put their summary on the next line.
const COMMAND_COLUMN: usize = 30;

/// Every operation's command and summary under its domain's heading, the
/// domains in the order the schema first uses them, the summaries wrapped in
/// their column.
pub fn by_domain(index: &[crate::index::IndexedOperation]) -> String {
    let mut out = String::from("API operations, by domain (qys <COMMAND> --help for one's flags):");
    for domain in domains(index) {
        out.push_str("\n\n");
        out.push_str(&domain_listing(index, domain));
    }
    out
}

/// The domains' headings, in the order the schema first uses them.
pub fn domains(index: &[crate::index::IndexedOperation]) -> Vec<&'static str> {
    let mut domains: Vec<&'static str> = Vec::new();
    for entry in index {
        if !domains.contains(&entry.domain) {
            domains.push(entry.domain);
        }
    }
    domains
}

/// A domain's name on the command line (`qys help contracts`): its heading
/// in kebab case.
pub fn domain_name(domain: &str) -> String {
    let heading = if domain.is_empty() { "Other" } else { domain };
    heading.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

/// One domain's heading and its commands with their summaries.
pub fn domain_listing(index: &[crate::index::IndexedOperation], domain: &str) -> String {
    let width = index.iter().map(|entry| entry.command.len()).filter(|len| *len <= COMMAND_COLUMN).max().unwrap_or(0);
    let indent = 2 + width + 2;
    let heading = if domain.is_empty() { "Other" } else { domain };
    let mut out = format!("{heading}:");
    for entry in index.iter().filter(|entry| entry.domain == domain) {
        let lines = wrap(entry.summary, HELP_WIDTH - indent);
        if entry.command.len() > width {
            out.push_str(&format!("\n  {}", entry.command));
        } else {
            out.push_str(&format!("\n  {:width$}  {}", entry.command, lines.first().map_or("", String::as_str)));
        }
        let rest = if entry.command.len() > width { &lines[..] } else { lines.get(1..).unwrap_or_default() };
        for line in rest {
            out.push_str(&format!("\n{:indent$}{line}", ""));
        }
    }
    out
}

/// `text` in lines of at most `width` columns (a CJK character takes two),
/// broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let columns = |word: &str| word.chars().map(|c| if wide(c) { 2 } else { 1 }).sum::<usize>();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && columns(&line) + 1 + columns(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// Whether a terminal shows `c` two columns wide (CJK and full-width forms).
fn wide(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_suggests_the_right_command_first_and_few_others() {
        let nearest = nearest(crate::index::OPERATIONS, &[], "contrat-detail");
        assert_eq!(nearest.first(), Some(&"contract-detail"), "{nearest:?}");
        assert!(nearest.len() <= SUGGESTIONS);
    }

    #[test]
    fn domains_are_named_in_kebab_case_and_listed() {
        let help = domain_help(crate::index::OPERATIONS, "contracts").unwrap_or_default();
        assert!(help.starts_with("Contracts:") && help.contains("contract-detail"), "{help}");
        assert!(domain_help(crate::index::OPERATIONS, "SaaS-Agent").is_some());
        assert!(domain_help(crate::index::OPERATIONS, "nothing").is_none());
        let short = short_help(crate::index::OPERATIONS);
        assert!(short.contains("contracts") && short.contains("saas-agent") && short.len() < 2048, "{short}");
    }
}
