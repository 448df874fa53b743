//! L2 transactions: bodies, their kinds, signed transactions and cross-chain messages, with
//! their byte encoding and body hash (see the module docs of `tx`).

use plonky2::{hash::poseidon::PoseidonHash, plonk::config::Hasher};

use super::{
    DecodeError, Digest, F, OUTBOX_DEPTH, PUBKEY_LEN, Reader, SIGNATURE_LEN, address_limbs,
    amount_limbs, digest_to_bytes, felt, payload_hash,
};
use crate::{Address, Amount, ChainId, domain};

/// A cross-chain message, as it sits in the sender chain's outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The chain that sent it.
    pub src_chain: ChainId,
    /// The account that sent it.
    pub sender: Address,
    /// The nonce of the transaction that sent it: makes every message leaf unique.
    pub nonce: u32,
    /// The chain it is for.
    pub dst_chain: ChainId,
    /// The account it credits there.
    pub recipient: Address,
    /// The value it carries.
    pub value: Amount,
    /// Opaque data for the recipient.
    pub payload: Vec<u8>,
}

impl Message {
    /// Its outbox leaf: the hash other chains prove inclusion of.
    #[inline]
    pub fn hash(&self) -> Digest {
        let mut elements = vec![felt(domain::LEAF_MESSAGE), felt(self.src_chain.get())];
        elements.extend(address_limbs(&self.sender));
        elements.push(felt(u64::from(self.nonce)));
        elements.push(felt(self.dst_chain.get()));
        elements.extend(address_limbs(&self.recipient));
        elements.extend(amount_limbs(self.value));
        elements.extend(payload_hash(&self.payload).elements);
        PoseidonHash::hash_no_pad(&elements)
    }
}

/// What an L2 transaction does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxKind {
    /// Move `amount` to `to` on this chain.
    Transfer {
        /// The recipient.
        to: Address,
        /// The amount.
        amount: Amount,
    },
    /// Burn `amount` on L2, claimable on L1 by `l1_recipient` once the batch settles.
    Withdraw {
        /// Who may finalize it on L1.
        l1_recipient: Address,
        /// The amount.
        amount: Amount,
    },
    /// Send `value` and `payload` to `recipient` on `dst_chain`.
    SendMessage {
        /// The destination chain.
        dst_chain: ChainId,
        /// The recipient there.
        recipient: Address,
        /// The value carried (debited here).
        value: Amount,
        /// Opaque data.
        payload: Vec<u8>,
    },
    /// Consume a message another chain sent here, proven against an imported message root.
    ExecuteMessage {
        /// The message.
        message: Message,
        /// Which imported message root (a settled outbox root) holds it.
        import_index: u32,
        /// Its leaf in that outbox (below `2^OUTBOX_DEPTH`).
        leaf_index: u16,
        /// The outbox path from the leaf up: exactly [`OUTBOX_DEPTH`] siblings (boxed: the
        /// other kinds are a tenth of its size).
        siblings: Box<[Digest; OUTBOX_DEPTH]>,
    },
}

/// The signed part of an L2 transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxBody {
    /// The chain it is for: a transaction for another chain is refused (no replay).
    pub chain_id: ChainId,
    /// The sending account.
    pub from: Address,
    /// The sender's nonce.
    pub nonce: u32,
    /// What it does.
    pub kind: TxKind,
}

/// An L2 transaction with its signer's public key and signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    /// The signed body.
    pub body: TxBody,
    /// The sender's EcGFp5 public key (its hash must be registered on the account).
    pub pubkey: [u8; PUBKEY_LEN],
    /// The Schnorr signature over the body hash.
    pub signature: [u8; SIGNATURE_LEN],
}

impl TxBody {
    /// The body as field elements (see the module docs).
    #[inline]
    pub fn elements(&self) -> Vec<F> {
        let mut elements = vec![felt(u64::from(self.tag())), felt(self.chain_id.get())];
        elements.extend(address_limbs(&self.from));
        elements.push(felt(u64::from(self.nonce)));
        match &self.kind {
            TxKind::Transfer { to, amount } => {
                elements.extend(address_limbs(to));
                elements.extend(amount_limbs(*amount));
            }
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => {
                elements.extend(address_limbs(l1_recipient));
                elements.extend(amount_limbs(*amount));
            }
            TxKind::SendMessage {
                dst_chain,
                recipient,
                value,
                payload,
            } => {
                elements.push(felt(dst_chain.get()));
                elements.extend(address_limbs(recipient));
                elements.extend(amount_limbs(*value));
                elements.extend(payload_hash(payload).elements);
            }
            TxKind::ExecuteMessage {
                message,
                import_index,
                leaf_index,
                ..
            } => {
                elements.extend(message.hash().elements);
                elements.push(felt(u64::from(*import_index)));
                elements.push(felt(u64::from(*leaf_index)));
            }
        }
        elements
    }

    /// The hash the sender signs, which also names the transaction.
    #[inline]
    pub fn hash(&self) -> Digest {
        PoseidonHash::hash_no_pad(&self.elements())
    }

    fn tag(&self) -> u8 {
        (match self.kind {
            TxKind::Transfer { .. } => domain::TX_TRANSFER,
            TxKind::Withdraw { .. } => domain::TX_WITHDRAW,
            TxKind::SendMessage { .. } => domain::TX_SEND_MESSAGE,
            TxKind::ExecuteMessage { .. } => domain::TX_EXECUTE_MESSAGE,
        }) as u8
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        out.push(self.tag());
        out.extend_from_slice(&self.chain_id.get().to_be_bytes());
        out.extend_from_slice(self.from.as_slice());
        out.extend_from_slice(&self.nonce.to_be_bytes());
        match &self.kind {
            TxKind::Transfer { to, amount } => {
                out.extend_from_slice(to.as_slice());
                out.extend_from_slice(&amount.gwei().to_be_bytes());
            }
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => {
                out.extend_from_slice(l1_recipient.as_slice());
                out.extend_from_slice(&amount.gwei().to_be_bytes());
            }
            TxKind::SendMessage {
                dst_chain,
                recipient,
                value,
                payload,
            } => {
                out.extend_from_slice(&dst_chain.get().to_be_bytes());
                out.extend_from_slice(recipient.as_slice());
                out.extend_from_slice(&value.gwei().to_be_bytes());
                encode_payload(payload, out);
            }
            TxKind::ExecuteMessage {
                message,
                import_index,
                leaf_index,
                siblings,
            } => {
                encode_message(message, out);
                out.extend_from_slice(&import_index.to_be_bytes());
                out.extend_from_slice(&leaf_index.to_be_bytes());
                for sibling in siblings.iter() {
                    out.extend_from_slice(&digest_to_bytes(sibling));
                }
            }
        }
    }
}

impl SignedTx {
    /// The canonical encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + PUBKEY_LEN + SIGNATURE_LEN);
        self.body.encode_into(&mut out);
        out.extend_from_slice(&self.pubkey);
        out.extend_from_slice(&self.signature);
        out
    }

    /// Decodes the canonical encoding, refusing payloads over `max_payload` bytes.
    pub fn decode(bytes: &[u8], max_payload: usize) -> Result<Self, DecodeError> {
        let mut reader = Reader {
            bytes,
            at: 0,
            max_payload,
        };
        let tag = reader.u8()?;
        let chain_id = reader.chain_id()?;
        let from = reader.address()?;
        let nonce = reader.u32()?;
        let kind = match tag {
            1 => TxKind::Transfer {
                to: reader.address()?,
                amount: reader.amount()?,
            },
            2 => TxKind::Withdraw {
                l1_recipient: reader.address()?,
                amount: reader.amount()?,
            },
            3 => TxKind::SendMessage {
                dst_chain: reader.chain_id()?,
                recipient: reader.address()?,
                value: reader.amount()?,
                payload: reader.payload()?,
            },
            4 => {
                let message = reader.message()?;
                let import_index = reader.u32()?;
                let leaf_index = u16::from_be_bytes(reader.array()?);
                if usize::from(leaf_index) >> OUTBOX_DEPTH != 0 {
                    return Err(DecodeError::LeafIndex(leaf_index));
                }
                let mut siblings = Box::new([Digest::ZERO; OUTBOX_DEPTH]);
                for sibling in siblings.iter_mut() {
                    *sibling = reader.digest()?;
                }
                TxKind::ExecuteMessage {
                    message,
                    import_index,
                    leaf_index,
                    siblings,
                }
            }
            other => return Err(DecodeError::UnknownTag(other)),
        };
        let pubkey = reader.array()?;
        let signature = reader.array()?;
        if reader.at != bytes.len() {
            return Err(DecodeError::TrailingBytes(bytes.len() - reader.at));
        }
        Ok(Self {
            body: TxBody {
                chain_id,
                from,
                nonce,
                kind,
            },
            pubkey,
            signature,
        })
    }

    /// The transaction's id: its body hash as 32 bytes.
    pub fn id(&self) -> [u8; 32] {
        digest_to_bytes(&self.body.hash())
    }
}

fn encode_payload(payload: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
}

fn encode_message(message: &Message, out: &mut Vec<u8>) {
    out.extend_from_slice(&message.src_chain.get().to_be_bytes());
    out.extend_from_slice(message.sender.as_slice());
    out.extend_from_slice(&message.nonce.to_be_bytes());
    out.extend_from_slice(&message.dst_chain.get().to_be_bytes());
    out.extend_from_slice(message.recipient.as_slice());
    out.extend_from_slice(&message.value.gwei().to_be_bytes());
    encode_payload(&message.payload, out);
}
