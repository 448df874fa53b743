//! The jobs codec: CBOR (cbor4ii with serde, as libp2p's `cbor` codec) written out so that
//! sizes and decoding failures are typed.
//!
//! On the wire a message is its CBOR encoding, the stream closed after it: byte for byte
//! what `libp2p::request_response::cbor` sends. Written out here because that codec turns
//! an oversized or undecodable message into an `io::Error` that looks like any transport
//! failure (so a peer sending garbage cannot be told from a dropped connection), and checking
//! a size before sending would mean encoding twice. Here the sender encodes once
//! ([`encode`], checked against the limit by the [`Client`](crate::Client)) and the codec
//! writes the bytes as they are; the receiver reads at most `limit + 1` bytes and decodes.
//! A message that is too large or does not decode is read as [`Wire::Invalid`], not as an
//! I/O error: libp2p's request-response behaviour reports a failed `read_request` to nobody
//! (only a debug log), so the event loop would never learn who sent garbage. As a message,
//! it reaches the event loop with the sender's id and a response channel: the sender is
//! scored and refused. Decoding runs in the connection's task, not the event loop.

use std::{io, marker::PhantomData};

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    error::P2pError,
    protocol::{JobsRequest, JobsResponse},
};

/// A message on the wire: encoded (and size-checked) by the sender, decoded by the receiver.
#[derive(Debug)]
pub(crate) enum Wire<T> {
    /// CBOR bytes to write as they are.
    Encoded(Vec<u8>),
    /// A message read and decoded.
    Decoded(T),
    /// What was read is not a message (too large, or not a decodable one).
    Invalid(CodecError),
}

/// What was wrong with a received message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CodecError {
    /// More bytes than the limit.
    #[error("message over the {limit}-byte limit")]
    Oversized {
        /// The limit.
        limit: usize,
    },
    /// Not a CBOR encoding of the expected message.
    #[error("undecodable message: {0}")]
    Undecodable(String),
}

/// Encodes a message as CBOR (writing into a `Vec` fails only when memory cannot be reserved).
pub(crate) fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, P2pError> {
    cbor4ii::serde::to_vec(Vec::new(), message).map_err(|error| P2pError::Encode(error.to_string()))
}

/// Decodes a CBOR message.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    cbor4ii::serde::from_slice(bytes).map_err(|error| CodecError::Undecodable(error.to_string()))
}

/// The request-response codec of `/hyperforge/jobs/1`.
#[derive(Debug)]
pub(crate) struct JobsCodec<Req = JobsRequest, Resp = JobsResponse> {
    max_request: usize,
    max_response: usize,
    types: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp> Clone for JobsCodec<Req, Resp> {
    fn clone(&self) -> Self {
        Self {
            max_request: self.max_request,
            max_response: self.max_response,
            types: PhantomData,
        }
    }
}

impl JobsCodec {
    /// A codec refusing requests over `max_request` and responses over `max_response` bytes.
    pub(crate) fn new(max_request: usize, max_response: usize) -> Self {
        Self {
            max_request,
            max_response,
            types: PhantomData,
        }
    }
}

async fn read_limited<T, M>(io: &mut T, limit: usize) -> io::Result<Wire<M>>
where
    T: AsyncRead + Unpin + Send,
    M: DeserializeOwned,
{
    let mut bytes = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "over it".
    io.take(limit as u64 + 1).read_to_end(&mut bytes).await?;
    if bytes.len() > limit {
        return Ok(Wire::Invalid(CodecError::Oversized { limit }));
    }
    Ok(match decode(&bytes) {
        Ok(message) => Wire::Decoded(message),
        Err(error) => Wire::Invalid(error),
    })
}

async fn write_wire<T, M>(io: &mut T, message: Wire<M>) -> io::Result<()>
where
    T: AsyncWrite + Unpin + Send,
    M: Serialize,
{
    let bytes = match message {
        Wire::Encoded(bytes) => bytes,
        Wire::Decoded(message) => {
            encode(&message).map_err(|error| io::Error::new(io::ErrorKind::OutOfMemory, error))?
        }
        Wire::Invalid(error) => {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, error));
        }
    };
    io.write_all(&bytes).await?;
    io.close().await
}

impl<Req, Resp> libp2p::request_response::Codec for JobsCodec<Req, Resp>
where
    Req: Serialize + DeserializeOwned + Send,
    Resp: Serialize + DeserializeOwned + Send,
{
    type Protocol = StreamProtocol;
    type Request = Wire<Req>;
    type Response = Wire<Resp>;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Wire<Req>>
    where
        T: AsyncRead + Unpin + Send,
    {
        read_limited(io, self.max_request).await
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Wire<Resp>>
    where
        T: AsyncRead + Unpin + Send,
    {
        read_limited(io, self.max_response).await
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: Wire<Req>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_wire(io, request).await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: Wire<Resp>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_wire(io, response).await
    }
}

#[cfg(test)]
mod tests {
    use futures::io::Cursor;
    use libp2p::request_response::Codec;

    use super::*;
    use crate::protocol::{CircuitDigest, JobRequest};

    fn request() -> JobsRequest {
        JobsRequest::Job(JobRequest {
            chain_ids: vec![hyperforge_primitives::ChainId::new(5).expect("valid")],
            circuits: CircuitDigest([7; 32]),
            kinds: vec![],
        })
    }

    fn read(codec: &mut JobsCodec, bytes: Vec<u8>) -> io::Result<Wire<JobsRequest>> {
        futures::executor::block_on(
            codec.read_request(&crate::protocol::JOBS_PROTOCOL, &mut Cursor::new(bytes)),
        )
    }

    #[test]
    fn a_message_at_the_limit_decodes_and_one_byte_more_is_oversized() {
        let bytes = encode(&request()).expect("encodes");
        let mut codec = JobsCodec::new(bytes.len(), 10);
        match read(&mut codec, bytes.clone()) {
            Ok(Wire::Decoded(decoded)) => assert_eq!(decoded, request()),
            other => panic!("expected the request, got {other:?}"),
        }
        let mut codec = JobsCodec::new(bytes.len() - 1, 10);
        match read(&mut codec, bytes) {
            Ok(Wire::Invalid(CodecError::Oversized { limit })) => {
                assert_eq!(limit, codec.max_request)
            }
            other => panic!("expected oversized, got {other:?}"),
        }
    }

    #[test]
    fn garbage_reads_as_an_invalid_message_not_a_transport_error() {
        let mut codec = JobsCodec::new(1000, 1000);
        for garbage in [
            vec![0xFF, 0x00, 0x13],
            b"hello".to_vec(),
            encode(&42u64).expect("encodes"),
            Vec::new(),
        ] {
            match read(&mut codec, garbage) {
                Ok(Wire::Invalid(CodecError::Undecodable(_))) => {}
                other => panic!("expected undecodable, got {other:?}"),
            }
        }
    }
}
