//! Finding a command among 130: the short help a bare `qys` prints, one
//! domain's commands (`qys help contracts`), and the few nearest commands
//! to a mistyped one, nearest first.

use crate::args::{domain_listing, domain_name, domains};
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
