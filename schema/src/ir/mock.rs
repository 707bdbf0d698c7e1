//! The parts of the IR only a server needs (the mock): what each operation
//! does to the contracts it keeps (`x-qys-state`) and the answer values it
//! makes new on every call (`x-qys-fresh`).

/// What an operation does to the contracts a stateful server keeps
/// (`x-qys-state`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRule {
    /// What it does.
    pub effect: Effect,
    /// From which statuses it is allowed, and the status it leaves
    /// (`None`: the contract is removed; a missing `to`: unchanged). Empty:
    /// allowed from every status.
    pub transitions: Vec<Transition>,
    /// The code answered when the contract's status allows none of them.
    pub otherwise: Option<i64>,
    /// `sign`: the type of the sponsor's action it completes (`COMPANY`, `LP`, `AUDIT`).
    pub action: Option<String>,
    /// `move`: the code answered when the contract has no documents.
    pub needs_documents: Option<i64>,
}

/// One allowed move of [`StateRule::transitions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The statuses it starts from.
    pub from: Vec<String>,
    /// What becomes of the contract.
    pub to: Target,
}

/// Where a [`Transition`] leaves the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Its status stays (`to` absent).
    Keep,
    /// This status.
    Status(String),
    /// Removed (`to: null`): a deleted draft.
    Remove,
}

/// The effects of [`StateRule`]: each one is a few lines of the mock's
/// contract store, and the schema says which operation has which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Creates a draft, or overwrites the draft with the same `bizId` or `id`.
    Create,
    /// Adds a document to the contract.
    Attach,
    /// Moves the contract by the transitions.
    Move,
    /// Completes the sponsor's current action of [`StateRule::action`]'s type.
    Sign,
    /// Answers the contract.
    Read,
    /// Needs the contract to exist; answers the schema's example.
    Exists,
    /// Answers a page of contracts.
    List,
    /// Streams one document's file.
    Document,
    /// Streams the contract's documents as a ZIP.
    Archive,
    /// Answers a link to the signing page for a signer.
    SignPage,
    /// Answers a link to the view page.
    ViewPage,
}

impl Effect {
    /// Every effect, with its name in the schema.
    pub const ALL: &'static [(&'static str, Effect)] = &[
        ("create", Effect::Create),
        ("attach", Effect::Attach),
        ("move", Effect::Move),
        ("sign", Effect::Sign),
        ("read", Effect::Read),
        ("exists", Effect::Exists),
        ("list", Effect::List),
        ("document", Effect::Document),
        ("archive", Effect::Archive),
        ("signPage", Effect::SignPage),
        ("viewPage", Effect::ViewPage),
    ];

    /// The effect a schema name stands for.
    pub fn named(name: &str) -> Option<Effect> {
        Effect::ALL.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
    }
}

/// A value in an answer that the mock makes new on every call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreshField {
    /// JSON pointer into the success envelope, e.g. `/result/ticket`.
    pub pointer: String,
    /// A number (`integer`, `number`) or text.
    pub number: bool,
    /// One of the API's ids (`format: int64` text): digits.
    pub id: bool,
}
