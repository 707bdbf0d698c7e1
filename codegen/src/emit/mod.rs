//! Stage 4: the emitters. Each turns the IR (and, for request impls, the
//! model types) into the tokens of one generated file.

pub(crate) mod blocking;
pub(crate) mod callbacks;
pub(crate) mod client;
pub(crate) mod codes;
pub(crate) mod example;
pub(crate) mod index;
pub(crate) mod one_ofs;
pub(crate) mod open_enums;
pub(crate) mod pages;
pub(crate) mod requests;
pub(crate) mod servers;
