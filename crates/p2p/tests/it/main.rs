//! Integration tests of hyperforge-p2p: real nodes on 127.0.0.1 (port 0), TCP and QUIC,
//! every node shut down at the end of its test. `process` spawns `examples/peer.rs` as a
//! second OS process.

mod errors;
mod gossip;
mod harness;
mod jobs;
mod limits;
mod peers;
mod process;
