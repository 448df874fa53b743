// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.30;

import {IVerifier} from "./IVerifier.sol";

/// @title DevVerifier: binds the public inputs, does NOT check the proof
/// @notice A development stand-in until a Solidity Plonky2 verifier exists. It accepts `proof`
/// when its first 32 bytes equal keccak256(abi.encodePacked(publicInputs)), so a settlement
/// cannot change any public input after the settler committed to them. It does NOT check any
/// zero-knowledge proof: the Rust settler checks every proof off chain before sending it, and
/// the proof bytes follow the 32-byte binding in calldata so that anyone can re-check them.
/// Nothing settled through this contract is verified on chain.
contract DevVerifier is IVerifier {
    /// @inheritdoc IVerifier
    function verify(uint256[] calldata publicInputs, bytes calldata proof) external pure returns (bool) {
        if (proof.length < 32) return false;
        return bytes32(proof[:32]) == keccak256(abi.encodePacked(publicInputs));
    }
}
