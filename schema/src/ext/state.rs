//! `x-qys-state` on an operation: what it does to the contracts a stateful
//! server keeps, `{effect, transitions?: [{from, to?}], otherwise?, action?,
//! needsDocuments?}`. The mock carries the rule out; nothing else reads it.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::doc::text;
use crate::error::Collector;
use crate::ir::{Effect, StateRule, Target, Transition};
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-state";

/// The operation's rule, if it has one. `codes` are the codes the global
/// table and the operation's own define, which `otherwise` and
/// `needsDocuments` must name.
pub(crate) fn read(
    operation: &Value,
    codes: &BTreeSet<i64>,
    pointer: &str,
    errors: &mut Collector,
) -> Option<StateRule> {
    let spec = operation.get(KEY)?;
    let at = join(pointer, KEY);
    let fields = ["effect", "transitions", "otherwise", "action", "needsDocuments"];
    super::refuse_unknown_fields(spec, &at, &fields, "`x-qys-state`", errors);
    let effect = spec.get("effect").and_then(Value::as_str);
    let named = effect.and_then(Effect::named);
    if named.is_none() {
        let known: Vec<&str> = Effect::ALL.iter().map(|(n, _)| *n).collect();
        errors.push(join(&at, "effect"), format!("`effect` is one of {}", known.join(", ")));
    }
    let mut transitions = Vec::new();
    for (index, transition) in spec.get("transitions").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let t = join(&join(&at, "transitions"), &index.to_string());
        let from = super::all_strings(transition.get("from"));
        if from.as_ref().is_none_or(|f| f.is_empty()) {
            errors.push(join(&t, "from"), "`from` lists the statuses the move starts from");
        }
        let to = match transition.get("to") {
            None => Target::Keep,
            Some(Value::Null) => Target::Remove,
            Some(Value::String(status)) => Target::Status(status.clone()),
            Some(_) => {
                errors.push(join(&t, "to"), "`to` is the status it leaves, or `null` to remove the contract");
                Target::Keep
            }
        };
        let from = from.unwrap_or_default().into_iter().map(str::to_owned).collect();
        transitions.push(Transition { from, to });
    }
    for key in ["otherwise", "needsDocuments"] {
        match spec.get(key) {
            None => {}
            Some(code) if code.as_i64().is_some_and(|c| codes.contains(&c)) => {}
            Some(_) => errors.push(join(&at, key), format!("`{key}` is a code of the global table or the operation's")),
        }
    }
    if (effect == Some("sign")) != spec.get("action").is_some_and(Value::is_string) {
        errors.push(join(&at, "action"), "`action` (the action type signed) goes with `effect: sign`, and only there");
    }
    Some(StateRule {
        effect: named.unwrap_or(Effect::Read),
        transitions,
        otherwise: spec.get("otherwise").and_then(Value::as_i64),
        action: text(spec, "action"),
        needs_documents: spec.get("needsDocuments").and_then(Value::as_i64),
    })
}
