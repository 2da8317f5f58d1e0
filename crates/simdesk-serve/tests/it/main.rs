//! Integration tests of the MCP server with the real rmcp client: in
//! process over a duplex stream, and over HTTP on loopback.

mod common;
mod harness;
mod hostile;
mod http;
mod limits;
mod load;
mod surface;
