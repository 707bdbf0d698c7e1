//! The mock's contracts: the one module that knows what a contract is.
//! Which operation creates, reads or moves a contract, from which statuses,
//! to which status and with which code otherwise, is data in the schema
//! (`x-qys-state`, read through the IR); this module carries those rules out
//! and keeps what cannot be data: the shape of a contract, whose turn it is
//! to sign, the events the callback reports. State is in memory, per mock,
//! and bounded by [`Limits`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use qiyuesuo_schema::ir::{Effect, Operation, StateRule, Target};

use super::spec::Spec;

/// How much a mock keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub contracts: usize,
    pub bytes: usize,
}

/// The default cap on stored contracts.
pub const DEFAULT_MAX_CONTRACTS: usize = 20_000;
/// The default cap on stored bytes (64 MiB): documents, and every text value
/// a contract keeps, each counted with a fixed overhead per item.
pub const DEFAULT_MAX_STORED_BYTES: usize = 64 << 20;
/// What each stored item (a contract, signatory, step or document) counts
/// for besides its text: the memory its record takes.
const ITEM_BYTES: usize = 128;
/// The `callbackPage`s a contract keeps (the newest).
const MAX_PAGES_PER_CONTRACT: usize = 8;
/// A page of `contractList` stops growing when its contracts' text passes
/// this (the API's page size is a maximum; a walk goes on by the items it got).
pub const MAX_PAGE_BYTES: usize = 8 << 20;

/// The first id the mock hands out: 19 digits, like the API's.
const FIRST_ID: u64 = 3_000_000_000_000_000_000;

/// Why a call was refused: a code of the schema and the message's detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: i64,
    pub detail: String,
}

fn refuse<T>(code: i64, detail: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal { code, detail: detail.into() })
}

/// The codes the store answers that no rule names, looked up once: a
/// contract that is not there (`CONTRACT_NOT_FOUND`, else `INVALID_PARAM`),
/// a bad parameter, a full store (`MOCK_CAPACITY`, else `INTERNAL_ERROR`).
struct Codes {
    not_found: i64,
    invalid: i64,
    full: i64,
}

/// What the store works by, read from the schema once: its caps, its codes,
/// the rule a draft's `send: true` follows (the schema's sending operation:
/// the move that needs documents), and the name of the contract callback.
struct Setup {
    limits: Limits,
    codes: Codes,
    send: Option<StateRule>,
    callback: String,
}

/// What an effect produced, for the server to answer.
pub(crate) enum Produced {
    /// A contract's JSON, as `result`.
    Contract(Value),
    /// A new value for the answer's fresh field (a document id, a link).
    Fresh(Value),
    /// A page: total and items.
    Page(i64, Vec<Value>),
    /// The example answer.
    Example,
    /// A file.
    File { bytes: Bytes, name: String },
    /// A link to the contract's page: for this signer, or for viewing.
    Link { contract: u64, signer: Option<String> },
}

/// A callback to deliver: the contract's callback URL and the form's fields.
pub(crate) struct Event {
    pub url: String,
    pub fields: Vec<(&'static str, String)>,
}

// The records below are saved as JSON by `persist.rs` (a kept state): their
// serde form is the state file's, documents' bytes and the ZIP aside.

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Action {
    id: u64,
    kind: String,
    serial_no: i64,
    status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Signatory {
    id: u64,
    tenant_type: String,
    tenant_name: Option<String>,
    contact: Option<(String, String)>,
    serial_no: i64,
    status: String,
    /// Signing steps; a person without any signs in one implicit step.
    actions: Vec<Action>,
    sponsor: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Document {
    id: u64,
    title: String,
    /// Kept in a file of its own beside the state file.
    #[serde(skip)]
    bytes: Bytes,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Contract {
    id: u64,
    biz_id: Option<String>,
    tenant_name: Option<String>,
    subject: Option<String>,
    status: String,
    ordinal: bool,
    callback_url: Option<String>,
    business_data: Option<String>,
    signatories: Vec<Signatory>,
    documents: Vec<Document>,
    comments: Option<String>,
    /// The `callbackPage`s link requests named, newest last: where its
    /// page may send a browser after a decision.
    pages: Vec<String>,
    /// The documents as a ZIP, made at the first download after they last
    /// changed and shared by every download until then. At most as large as
    /// the documents (stored, not compressed), so the byte cap bounds it too.
    #[serde(skip)]
    archive: Option<Bytes>,
}

/// What a kept state holds: the contracts (documents' bytes aside, which
/// `persist.rs` keeps in files) and the next id.
#[derive(Serialize, Deserialize)]
pub(crate) struct Saved {
    next_id: u64,
    contracts: Vec<Contract>,
}

impl Saved {
    /// Each document's id and bytes, to keep in files.
    pub fn documents(&self) -> impl Iterator<Item = (u64, &Bytes)> {
        self.contracts.iter().flat_map(|c| c.documents.iter().map(|d| (d.id, &d.bytes)))
    }

    /// Gives each document its bytes, read by `read(id)`.
    pub fn fill_documents(&mut self, mut read: impl FnMut(u64) -> std::io::Result<Bytes>) -> std::io::Result<()> {
        for document in self.contracts.iter_mut().flat_map(|c| c.documents.iter_mut()) {
            document.bytes = read(document.id)?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct Store {
    contracts: BTreeMap<u64, Contract>,
    /// Each contract's id by its `bizId` and `tenantName`, so finding one
    /// by business id costs the same with 10 contracts or 20,000.
    by_biz_id: HashMap<(String, Option<String>), u64>,
    documents: HashMap<u64, u64>,
    /// What the contracts weigh ([`Contract::weight`]), against the byte cap.
    bytes: usize,
    next_id: u64,
}

/// The contracts of one mock.
pub(crate) struct Contracts {
    store: Mutex<Store>,
    setup: Setup,
}

/// A contract's subject, status and documents (id, title), for its page.
pub(crate) struct Summary {
    pub subject: String,
    pub status: String,
    pub documents: Vec<(u64, String)>,
}

/// Who acts in a step the integrator does not (the other party).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Signs (or approves) the step.
    Sign,
    /// Rejects the contract (退回).
    Reject,
}

impl Contracts {
    pub(crate) fn new(limits: Limits, spec: &Spec) -> Self {
        let api = &spec.api;
        let codes = Codes {
            not_found: api.code_named("CONTRACT_NOT_FOUND").map_or(spec.code_named("INVALID_PARAM").code, |c| c.code),
            invalid: spec.code_named("INVALID_PARAM").code,
            full: api.code_named("MOCK_CAPACITY").map_or(spec.code_named("INTERNAL_ERROR").code, |c| c.code),
        };
        let rules = api.operations.iter().filter_map(|op| op.state.as_ref().map(|rule| (op, rule)));
        let send = rules.clone().find(|(_, r)| r.effect == Effect::Move && r.needs_documents.is_some());
        let create = rules.clone().find(|(_, r)| r.effect == Effect::Create);
        let setup = Setup {
            limits,
            codes,
            send: send.map(|(_, rule)| rule.clone()),
            callback: create.and_then(|(op, _)| op.callbacks.first().cloned()).unwrap_or_else(|| "contract".to_owned()),
        };
        Contracts { store: Mutex::new(Store { next_id: FIRST_ID, ..Store::default() }), setup }
    }

    /// The name the contract callback goes by in the schema.
    pub(crate) fn callback_name(&self) -> &str {
        &self.setup.callback
    }

    /// Carries out `op`'s rule on `input` (with its uploaded files).
    pub(crate) fn apply(
        &self,
        op: &Operation,
        rule: &StateRule,
        input: &Value,
        files: &[(String, Bytes)],
    ) -> Result<(Produced, Vec<Event>), Refusal> {
        let setup = &self.setup;
        let codes = &setup.codes;
        let mut store =
            self.store.lock().map_err(|_| Refusal { code: codes.invalid, detail: "store poisoned".into() })?;
        let store = &mut *store;
        match rule.effect {
            Effect::Create => store.create(input, setup),
            Effect::List => Ok((store.list(op, input), Vec::new())),
            Effect::Document => {
                let id =
                    id_of(input, "documentId").ok_or(Refusal { code: codes.invalid, detail: "documentId".into() })?;
                let contract = store.documents.get(&id).and_then(|c| store.contracts.get(c));
                let document = contract.and_then(|c| c.documents.iter().find(|d| d.id == id));
                match document {
                    Some(d) => {
                        Ok((Produced::File { bytes: d.bytes.clone(), name: format!("{}.pdf", d.title) }, Vec::new()))
                    }
                    None => refuse(codes.invalid, format!("no document {id}")),
                }
            }
            _ => {
                let id =
                    store.find(input).ok_or(Refusal { code: codes.not_found, detail: "no such contract".into() })?;
                store.on_contract(id, rule, input, files, setup)
            }
        }
    }

    /// The other party's step: the signatory with this contact signs or rejects.
    pub(crate) fn act(&self, contract: u64, contact: &str, decision: Decision) -> Result<Vec<Event>, String> {
        let mut store = self.store.lock().map_err(|_| "store poisoned".to_owned())?;
        let c = store.contracts.get_mut(&contract).ok_or_else(|| format!("no contract {contract}"))?;
        if c.status != "SIGNING" {
            return Err(format!("contract {contract} is {}, not SIGNING", c.status));
        }
        let (s, a) =
            c.turn_of(contact).ok_or_else(|| format!("it is not the turn of {contact} in contract {contract}"))?;
        Ok(c.advance(s, a, decision))
    }

    /// The contact's signatory, if it may sign now: for the sign page.
    pub(crate) fn may_sign(&self, contract: u64, contact: &str) -> bool {
        let Ok(store) = self.store.lock() else { return false };
        store.contracts.get(&contract).is_some_and(|c| c.status == "SIGNING" && c.turn_of(contact).is_some())
    }

    /// What a contract's page shows.
    pub(crate) fn summary(&self, contract: u64) -> Option<Summary> {
        let store = self.store.lock().ok()?;
        let c = store.contracts.get(&contract)?;
        let documents = c.documents.iter().map(|d| (d.id, d.title.clone())).collect();
        Some(Summary { subject: c.subject.clone().unwrap_or_default(), status: c.status.clone(), documents })
    }

    /// Whether a link request for `contract` named `page` as its `callbackPage`.
    pub(crate) fn may_return_to(&self, contract: u64, page: &str) -> bool {
        let Ok(store) = self.store.lock() else { return false };
        store.contracts.get(&contract).is_some_and(|c| c.pages.iter().any(|p| p == page))
    }

    /// A document's bytes, if it belongs to `contract`.
    pub(crate) fn document(&self, contract: u64, document: u64) -> Option<Bytes> {
        let store = self.store.lock().ok()?;
        let c = store.contracts.get(&contract)?;
        c.documents.iter().find(|d| d.id == document).map(|d| d.bytes.clone())
    }

    /// A copy of everything stored, to keep.
    pub(crate) fn save(&self) -> Saved {
        let store = self.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Saved { next_id: store.next_id, contracts: store.contracts.values().cloned().collect() }
    }

    /// Replaces what is stored with a kept state; refused when it is past
    /// this mock's caps.
    pub(crate) fn restore(&self, saved: Saved) -> Result<(), String> {
        let mut fresh = Store { next_id: saved.next_id.max(FIRST_ID), ..Store::default() };
        for contract in saved.contracts {
            for document in &contract.documents {
                fresh.documents.insert(document.id, contract.id);
            }
            fresh.insert(contract);
        }
        let limits = self.setup.limits;
        if fresh.contracts.len() > limits.contracts || fresh.bytes > limits.bytes {
            return Err(format!(
                "the kept state holds {} contracts and {} bytes, past this mock's caps ({} and {})",
                fresh.contracts.len(),
                fresh.bytes,
                limits.contracts,
                limits.bytes
            ));
        }
        *self.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        Ok(())
    }

    /// How many contracts are stored.
    pub(crate) fn len(&self) -> usize {
        self.store.lock().map(|s| s.contracts.len()).unwrap_or_default()
    }
}

/// An id in the input, as a string or a number.
fn id_of(input: &Value, name: &str) -> Option<u64> {
    match input.get(name)? {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.as_u64(),
        _ => None,
    }
}

fn text(input: &Value, name: &str) -> Option<String> {
    input.get(name).and_then(Value::as_str).map(str::to_owned)
}

impl Store {
    /// Refuses with `full` when freeing `freed` bytes and keeping `added`
    /// more would pass the byte cap.
    fn room(&self, freed: usize, added: usize, limits: Limits, full: i64) -> Result<(), Refusal> {
        if self.bytes.saturating_sub(freed).saturating_add(added) > limits.bytes {
            return refuse(full, format!("the mock keeps at most {} bytes of contracts", limits.bytes));
        }
        Ok(())
    }

    fn next(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The contract the input names: `contractId`, or `bizId` with `tenantName`.
    fn find(&self, input: &Value) -> Option<u64> {
        if let Some(id) = id_of(input, "contractId") {
            return self.contracts.contains_key(&id).then_some(id);
        }
        let key = (text(input, "bizId")?, text(input, "tenantName"));
        self.by_biz_id.get(&key).copied()
    }

    /// Stores `contract`, in place of any it overwrites.
    fn insert(&mut self, contract: Contract) {
        let old = self.contracts.get(&contract.id).map_or(0, Contract::weight);
        self.bytes = self.bytes.saturating_sub(old).saturating_add(contract.weight());
        if let Some(old) = self.contracts.get(&contract.id).and_then(Contract::biz_key) {
            self.by_biz_id.remove(&old);
        }
        if let Some(key) = contract.biz_key() {
            self.by_biz_id.insert(key, contract.id);
        }
        self.contracts.insert(contract.id, contract);
    }

    /// Removes a contract and its documents.
    fn remove(&mut self, id: u64) {
        let Some(c) = self.contracts.remove(&id) else { return };
        if let Some(key) = c.biz_key() {
            self.by_biz_id.remove(&key);
        }
        for d in &c.documents {
            self.documents.remove(&d.id);
        }
        self.bytes = self.bytes.saturating_sub(c.weight());
    }

    fn create(&mut self, input: &Value, setup: &Setup) -> Result<(Produced, Vec<Event>), Refusal> {
        let (limits, codes) = (setup.limits, &setup.codes);
        let biz_id = text(input, "bizId");
        let tenant_name = text(input, "tenantName");
        let existing = id_of(input, "id")
            .filter(|id| self.contracts.contains_key(id))
            .or_else(|| self.by_biz_id.get(&(biz_id.clone()?, tenant_name.clone())).copied());
        if let Some(id) = existing
            && self.contracts.get(&id).is_some_and(|c| c.status != "DRAFT")
        {
            return refuse(1101, format!("contract {id} with this bizId is no longer a draft"));
        }
        if existing.is_none() && self.contracts.len() >= limits.contracts {
            return refuse(codes.full, format!("the mock keeps at most {} contracts", limits.contracts));
        }
        let signatories = self.signatories(input)?;
        let id = match existing {
            Some(id) => id,
            None => self.next(),
        };
        let documents =
            existing.and_then(|id| self.contracts.get(&id)).map(|c| c.documents.clone()).unwrap_or_default();
        let contract = Contract {
            id,
            biz_id,
            tenant_name,
            subject: text(input, "subject"),
            status: "DRAFT".to_owned(),
            ordinal: input.get("ordinal").and_then(Value::as_bool).unwrap_or(true),
            callback_url: text(input, "callbackUrl").filter(|u| !u.is_empty()),
            business_data: text(input, "businessData"),
            signatories,
            documents,
            comments: None,
            pages: existing.and_then(|id| self.contracts.get(&id)).map(|c| c.pages.clone()).unwrap_or_default(),
            archive: None,
        };
        let old = existing.and_then(|id| self.contracts.get(&id)).map_or(0, Contract::weight);
        self.room(old, contract.weight(), limits, codes.full)?;
        let json = contract.json();
        self.insert(contract);
        // `send: true` sends at once, by the schema's own sending rule.
        if input.get("send") == Some(&Value::Bool(true))
            && let Some(rule) = &setup.send
        {
            let (_, events) = self.on_contract(id, rule, input, &[], setup)?;
            let json = self.contracts.get(&id).map(Contract::json).unwrap_or(json);
            return Ok((Produced::Contract(json), events));
        }
        Ok((Produced::Contract(json), Vec::new()))
    }

    /// A draft's signatories, checked as the API's codes say.
    fn signatories(&mut self, input: &Value) -> Result<Vec<Signatory>, Refusal> {
        let given = input.get("signatories").and_then(Value::as_array).cloned().unwrap_or_default();
        let sponsor_name = text(input, "tenantName");
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (index, s) in given.iter().enumerate() {
            let tenant_type = text(s, "tenantType").unwrap_or_default();
            let tenant_name = text(s, "tenantName");
            let contact = s.get("receiver").and_then(|r| Some((text(r, "contact")?, text(r, "contactType")?)));
            let key = (tenant_type.clone(), tenant_name.clone(), contact.clone().map(|c| c.0));
            if seen.contains(&key) {
                return refuse(1102, format!("signatories[{index}] repeats an earlier one"));
            }
            seen.push(key);
            let actions = s.get("actions").and_then(Value::as_array).cloned().unwrap_or_default();
            if tenant_type == "COMPANY" && actions.is_empty() {
                return refuse(1103, format!("signatories[{index}] is a company without actions"));
            }
            if tenant_type == "PERSONAL" && contact.is_none() {
                return refuse(1111, format!("signatories[{index}] is a person without a receiver"));
            }
            let mut steps = Vec::new();
            for (n, a) in actions.iter().enumerate() {
                let kind = text(a, "type").unwrap_or_default();
                if kind == "AUDIT" && a.get("operators").and_then(Value::as_array).is_none_or(Vec::is_empty) {
                    return refuse(1105, format!("signatories[{index}].actions[{n}] approves without operators"));
                }
                let serial_no = a.get("serialNo").and_then(Value::as_i64).unwrap_or(i64::try_from(n).unwrap_or(0) + 1);
                steps.push(Action { id: self.next(), kind, serial_no, status: "INIT".to_owned() });
            }
            steps.sort_by_key(|a| a.serial_no);
            out.push(Signatory {
                id: self.next(),
                sponsor: false,
                serial_no: s.get("serialNo").and_then(Value::as_i64).unwrap_or(i64::try_from(index).unwrap_or(0) + 1),
                tenant_type,
                tenant_name,
                contact,
                status: "DRAFT".to_owned(),
                actions: steps,
            });
        }
        // The sponsor: the company named as the draft's sender, else the first company.
        let sponsor = out
            .iter()
            .position(|s| s.tenant_type == "COMPANY" && sponsor_name.is_some() && s.tenant_name == sponsor_name)
            .or_else(|| out.iter().position(|s| s.tenant_type == "COMPANY"));
        if let Some(s) = sponsor.and_then(|i| out.get_mut(i)) {
            s.sponsor = true;
        }
        out.sort_by_key(|s| s.serial_no);
        Ok(out)
    }

    fn list(&self, op: &Operation, input: &Value) -> Produced {
        let Some(pages) = &op.pagination else { return Produced::Example };
        let status = text(input, "status");
        let matching: Vec<&Contract> =
            self.contracts.values().filter(|c| status.as_ref().is_none_or(|s| *s == c.status)).collect();
        let offset = input.get(&pages.offset).and_then(Value::as_u64).unwrap_or(0);
        let limit = input.get(&pages.limit).and_then(Value::as_u64).unwrap_or(1000);
        let skip = usize::try_from(offset).unwrap_or(usize::MAX);
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut weight = 0;
        let items = matching
            .iter()
            .skip(skip)
            .take(take)
            .take_while(|c| {
                // At least one contract, however heavy; then up to the page bound.
                let first = weight == 0;
                weight += c.text_weight();
                first || weight <= MAX_PAGE_BYTES
            })
            .map(|c| c.json())
            .collect();
        Produced::Page(i64::try_from(matching.len()).unwrap_or(i64::MAX), items)
    }

    fn on_contract(
        &mut self,
        id: u64,
        rule: &StateRule,
        input: &Value,
        files: &[(String, Bytes)],
        setup: &Setup,
    ) -> Result<(Produced, Vec<Event>), Refusal> {
        let (limits, codes) = (setup.limits, &setup.codes);
        let Some(contract) = self.contracts.get(&id) else { return refuse(codes.not_found, "no such contract") };
        let transition = rule.transitions.iter().find(|t| t.from.contains(&contract.status));
        if !rule.transitions.is_empty() && transition.is_none() {
            let code = rule.otherwise.unwrap_or(codes.invalid);
            return refuse(code, format!("the contract is {}", contract.status));
        }
        match rule.effect {
            Effect::Read => Ok((Produced::Contract(contract.json()), Vec::new())),
            Effect::Exists => Ok((Produced::Example, Vec::new())),
            Effect::ViewPage => {
                self.remember_page(id, input, limits, codes.full)?;
                Ok((Produced::Link { contract: id, signer: None }, Vec::new()))
            }
            Effect::SignPage => {
                let contact = input.pointer("/user/contact").and_then(Value::as_str).unwrap_or_default();
                let signs = contract.signatories.iter().any(|s| s.contact.as_ref().is_some_and(|(c, _)| c == contact));
                if !signs {
                    return refuse(
                        rule.otherwise.unwrap_or(codes.invalid),
                        format!("{contact} does not sign this contract"),
                    );
                }
                let contact = contact.to_owned();
                self.remember_page(id, input, limits, codes.full)?;
                Ok((Produced::Link { contract: id, signer: Some(contact) }, Vec::new()))
            }
            Effect::Archive => {
                let Some(c) = self.contracts.get_mut(&id) else { return refuse(codes.not_found, "no such contract") };
                let bytes = match &c.archive {
                    Some(bytes) => bytes.clone(),
                    None => {
                        let bytes = c.documents_zip();
                        c.archive = Some(bytes.clone());
                        bytes
                    }
                };
                Ok((Produced::File { bytes, name: format!("{id}.zip") }, Vec::new()))
            }
            Effect::Attach => {
                // Several files make one document: the mock does not merge
                // PDFs, it keeps their bytes one after another.
                let bytes = match files {
                    [] => template_document(input),
                    [(_, one)] => one.clone(),
                    several => several.iter().flat_map(|(_, b)| b.iter().copied()).collect::<Vec<u8>>().into(),
                };
                let title = text(input, "title").unwrap_or_default();
                let weight = ITEM_BYTES + title.len() + bytes.len();
                self.room(0, weight, limits, codes.full)?;
                let document = self.next();
                self.bytes += weight;
                self.documents.insert(document, id);
                if let Some(c) = self.contracts.get_mut(&id) {
                    c.documents.push(Document { id: document, title, bytes });
                    c.archive = None;
                }
                Ok((Produced::Fresh(Value::String(document.to_string())), Vec::new()))
            }
            Effect::Move => {
                if rule.needs_documents.is_some() && contract.documents.is_empty() {
                    return refuse(rule.needs_documents.unwrap_or(codes.invalid), "the contract has no documents");
                }
                let target = transition.map(|t| t.to.clone()).unwrap_or(Target::Keep);
                let reason = text(input, "reason");
                let grows = reason.as_ref().map_or(0, String::len);
                self.room(0, grows, limits, codes.full)?;
                Ok((Produced::Example, self.moved(id, &target, reason)))
            }
            Effect::Sign => {
                let Some(c) = self.contracts.get_mut(&id) else { return refuse(codes.not_found, "no such contract") };
                let kind = rule.action.as_deref();
                let Some((s, a)) = c.current(|s| s.sponsor, kind) else {
                    return refuse(
                        rule.otherwise.unwrap_or(codes.invalid),
                        "it is not the sponsor's turn for this step",
                    );
                };
                let decision =
                    if input.get("pass") == Some(&Value::Bool(false)) { Decision::Reject } else { Decision::Sign };
                Ok((Produced::Example, c.advance(s, a, decision)))
            }
            Effect::Create | Effect::List | Effect::Document => Ok((Produced::Example, Vec::new())),
        }
    }

    /// Keeps the `callbackPage` a link request named: the only places the
    /// contract's page goes after a decision. The newest few are kept.
    fn remember_page(&mut self, id: u64, input: &Value, limits: Limits, full: i64) -> Result<(), Refusal> {
        let Some(page) = text(input, "callbackPage").filter(|p| p.starts_with("http://") || p.starts_with("https://"))
        else {
            return Ok(());
        };
        self.room(0, page.len(), limits, full)?;
        let Some(c) = self.contracts.get_mut(&id) else { return Ok(()) };
        if c.pages.contains(&page) {
            return Ok(());
        }
        self.bytes += page.len();
        c.pages.push(page);
        if c.pages.len() > MAX_PAGES_PER_CONTRACT {
            let old = c.pages.remove(0);
            self.bytes = self.bytes.saturating_sub(old.len());
        }
        Ok(())
    }

    /// Applies a transition's target and reports it.
    fn moved(&mut self, id: u64, target: &Target, reason: Option<String>) -> Vec<Event> {
        match target {
            Target::Keep => Vec::new(),
            Target::Remove => {
                self.remove(id);
                Vec::new()
            }
            Target::Status(status) => {
                let Some(c) = self.contracts.get_mut(&id) else { return Vec::new() };
                c.status.clone_from(status);
                let event = match status.as_str() {
                    "SIGNING" => {
                        for s in &mut c.signatories {
                            s.status = "SIGNING".to_owned();
                        }
                        c.start_next();
                        "SEND_SIGNING"
                    }
                    "RECALLED" => {
                        let (old, new) =
                            (c.comments.as_ref().map_or(0, String::len), reason.as_ref().map_or(0, String::len));
                        self.bytes = self.bytes.saturating_sub(old).saturating_add(new);
                        c.comments = reason;
                        "RECALLED"
                    }
                    "INVALIDING" => "SEND_INVALID",
                    // The sources' event list has none for a forced end.
                    _ => "UNKNOWN",
                };
                c.event(event, None).into_iter().collect()
            }
        }
    }
}

impl Contract {
    /// Its key among business ids, if it has a `bizId`.
    fn biz_key(&self) -> Option<(String, Option<String>)> {
        Some((self.biz_id.clone()?, self.tenant_name.clone()))
    }

    /// The step that may act now for a signatory chosen by `who` (and of
    /// `kind`, if given): in order when the contract is ordinal, else any
    /// pending one. `(signatory index, action index)`; an action index
    /// equal to the signatory's action count is its implicit single step.
    fn current(&self, who: impl Fn(&Signatory) -> bool, kind: Option<&str>) -> Option<(usize, usize)> {
        let pending = |s: &Signatory| s.status != "SIGNED";
        for (i, s) in self.signatories.iter().enumerate().filter(|(_, s)| pending(s)) {
            let step = s.actions.iter().position(|a| a.status != "FINISH");
            let step_kind = step.and_then(|a| s.actions.get(a)).map(|a| a.kind.as_str());
            let fits = who(s) && kind.is_none_or(|k| step_kind == Some(k)) && (step.is_some() || s.actions.is_empty());
            if fits {
                return Some((i, step.unwrap_or(s.actions.len())));
            }
            if self.ordinal {
                return None;
            }
        }
        None
    }

    /// The step the signatory whose receiver has `contact` may take now.
    fn turn_of(&self, contact: &str) -> Option<(usize, usize)> {
        self.current(|s| s.contact.as_ref().is_some_and(|(k, _)| k == contact), None)
    }

    /// Marks the first step of the first pending signatory as started.
    fn start_next(&mut self) {
        if let Some(s) = self.signatories.iter_mut().find(|s| s.status != "SIGNED")
            && let Some(a) = s.actions.iter_mut().find(|a| a.status != "FINISH")
        {
            a.status = "START".to_owned();
        }
    }

    /// One step done (or the contract rejected); the events it causes.
    fn advance(&mut self, signatory: usize, action: usize, decision: Decision) -> Vec<Event> {
        let mut events = Vec::new();
        let Some(s) = self.signatories.get_mut(signatory) else { return events };
        if decision == Decision::Reject {
            s.status = "REJECTED".to_owned();
            self.status = "REJECTED".to_owned();
            events.extend(self.event("REJECTED", Some(signatory)));
            return events;
        }
        let kind = match s.actions.get_mut(action) {
            Some(a) => {
                a.status = "FINISH".to_owned();
                a.kind.clone()
            }
            None => "PERSONAL".to_owned(),
        };
        if s.actions.iter().all(|a| a.status == "FINISH") {
            s.status = "SIGNED".to_owned();
        }
        let event = match kind.as_str() {
            "COMPANY" => "SEAL",
            "LP" => "LEGAL_PERSON",
            "AUDIT" => "AUDIT",
            "OPERATOR" => "OPERATOR",
            _ => "PERSONAL",
        };
        events.extend(self.event(event, Some(signatory)));
        if self.signatories.iter().all(|s| s.status == "SIGNED") {
            self.status = "COMPLETE".to_owned();
            for s in &mut self.signatories {
                s.status = "SIGNED".to_owned();
            }
            events.extend(self.event("COMPLETE", None));
        } else {
            self.start_next();
        }
        events
    }

    /// The callback for an event, if the draft gave a URL.
    fn event(&self, callback_type: &'static str, signatory: Option<usize>) -> Option<Event> {
        let url = self.callback_url.clone()?;
        let mut fields = vec![
            ("contractId", self.id.to_string()),
            ("callbackType", callback_type.to_owned()),
            ("contractStatus", self.status.clone()),
        ];
        if let Some(s) = signatory.and_then(|i| self.signatories.get(i)) {
            fields.push(("tenantType", s.tenant_type.clone()));
            fields.extend(s.tenant_name.clone().map(|n| ("tenantName", n)));
            fields.extend(s.contact.clone().map(|(c, _)| ("contact", c)));
        }
        fields.extend(self.business_data.clone().map(|b| ("businessData", b)));
        Some(Event { url, fields })
    }

    fn json(&self) -> Value {
        let signatories: Vec<Value> = self
            .signatories
            .iter()
            .map(|s| {
                let actions: Vec<Value> = s
                    .actions
                    .iter()
                    .map(|a| json!({"id": a.id.to_string(), "type": a.kind, "serialNo": a.serial_no, "status": a.status}))
                    .collect();
                let mut out = Map::new();
                out.insert("id".into(), json!(s.id.to_string()));
                out.insert("tenantType".into(), json!(s.tenant_type));
                if let Some(name) = &s.tenant_name {
                    out.insert("tenantName".into(), json!(name));
                }
                if let Some((contact, kind)) = &s.contact {
                    out.insert("receiver".into(), json!({"contact": contact, "contactType": kind}));
                }
                out.insert("serialNo".into(), json!(s.serial_no));
                out.insert("status".into(), json!(s.status));
                out.insert("actions".into(), Value::Array(actions));
                Value::Object(out)
            })
            .collect();
        let documents: Vec<Value> =
            self.documents.iter().map(|d| json!({"id": d.id.to_string(), "title": d.title})).collect();
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id.to_string()));
        for (name, value) in [("bizId", &self.biz_id), ("tenantName", &self.tenant_name), ("subject", &self.subject)] {
            if let Some(value) = value {
                out.insert(name.into(), json!(value));
            }
        }
        out.insert("status".into(), json!(self.status));
        out.insert("ordinal".into(), json!(self.ordinal));
        out.insert("signatories".into(), Value::Array(signatories));
        out.insert("documents".into(), Value::Array(documents));
        if let Some(data) = &self.business_data {
            out.insert("businessData".into(), json!(data));
        }
        if let Some(comments) = &self.comments {
            out.insert("comments".into(), json!(comments));
        }
        Value::Object(out)
    }

    /// What it counts for against the byte cap: its text and documents,
    /// and [`ITEM_BYTES`] for each item.
    fn weight(&self) -> usize {
        self.text_weight() + self.documents.iter().map(|d| d.bytes.len()).sum::<usize>()
    }

    /// [`Contract::weight`] without the documents' bytes: about what its
    /// JSON takes, for a page's bound.
    fn text_weight(&self) -> usize {
        let len = |text: &Option<String>| text.as_ref().map_or(0, String::len);
        let own =
            [&self.biz_id, &self.tenant_name, &self.subject, &self.callback_url, &self.business_data, &self.comments]
                .into_iter()
                .map(len)
                .sum::<usize>();
        let signatories: usize = self
            .signatories
            .iter()
            .map(|s| {
                let contact = s.contact.as_ref().map_or(0, |(c, k)| c.len() + k.len());
                let actions: usize = s.actions.iter().map(|a| ITEM_BYTES + a.kind.len()).sum();
                ITEM_BYTES + s.tenant_type.len() + len(&s.tenant_name) + contact + actions
            })
            .sum();
        let documents: usize = self.documents.iter().map(|d| ITEM_BYTES + d.title.len()).sum();
        let pages: usize = self.pages.iter().map(String::len).sum();
        ITEM_BYTES + self.status.len() + own + signatories + documents + pages
    }

    /// The documents as a ZIP (stored, not compressed).
    fn documents_zip(&self) -> Bytes {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (n, d) in self.documents.iter().enumerate() {
            let name = format!("{}-{}.pdf", n + 1, d.title.replace(['/', '\\'], "_"));
            if zip.start_file(name, options).is_ok() {
                let _ = std::io::Write::write_all(&mut zip, &d.bytes);
            }
        }
        zip.finish().map(|cursor| Bytes::from(cursor.into_inner())).unwrap_or_default()
    }
}

/// A document made from a template: a small PDF naming it and its values.
fn template_document(input: &Value) -> Bytes {
    let title = text(input, "title").unwrap_or_default();
    let template = input.get("templateId").map(Value::to_string).unwrap_or_default();
    let line = format!("{title} (template {template})").replace(['(', ')', '\\'], " ");
    let stream = format!("BT /F1 12 Tf 72 720 Td ({line}) Tj ET");
    let pdf = format!(
        "%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n\
         3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>> endobj\n\
         4 0 obj <</Length {}>> stream\n{stream}\nendstream endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n",
        stream.len()
    );
    Bytes::from(pdf)
}
