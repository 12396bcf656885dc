pub mod pki;
pub mod proxy;
