//! The node key: one ed25519 key per node, kept in its data directory so its peer id
//! survives restarts.
//!
//! The file holds libp2p's protobuf encoding of the key pair. It is created with mode 0600
//! (on Unix) and written atomically: a temporary file in the same directory, synced, renamed
//! over the final name, the directory synced; a crash leaves no key or the whole key.

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
};

use libp2p::identity::Keypair;

use crate::error::P2pError;

fn key_error(path: &Path, reason: impl ToString) -> P2pError {
    P2pError::NodeKey {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Loads the node key from `path`, creating it (and its directory) if the file does not
/// exist. A file that exists but does not hold an ed25519 key is an error naming it.
pub fn load_or_create_node_key(path: &Path) -> Result<Keypair, P2pError> {
    match fs::read(path) {
        Ok(bytes) => {
            let keypair = Keypair::from_protobuf_encoding(&bytes)
                .map_err(|error| key_error(path, format!("not a libp2p key: {error}")))?;
            if keypair.clone().try_into_ed25519().is_err() {
                return Err(key_error(path, "not an ed25519 key"));
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                if let Ok(metadata) = fs::metadata(path)
                    && metadata.permissions().mode() & 0o077 != 0
                {
                    tracing::warn!(target: "p2p::peers", path = %path.display(), "node key readable by others: chmod 600 it");
                }
            }
            tracing::debug!(target: "p2p::peers", path = %path.display(), peer = %keypair.public().to_peer_id(), "node key loaded");
            Ok(keypair)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let keypair = Keypair::generate_ed25519();
            write_atomically(path, &keypair)?;
            tracing::info!(target: "p2p::peers", path = %path.display(), peer = %keypair.public().to_peer_id(), "node key created");
            Ok(keypair)
        }
        Err(error) => Err(key_error(path, error)),
    }
}

fn write_atomically(path: &Path, keypair: &Keypair) -> Result<(), P2pError> {
    let bytes = keypair
        .to_protobuf_encoding()
        .map_err(|error| key_error(path, error))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|error| key_error(path, error))?;
    let file_name = path
        .file_name()
        .ok_or_else(|| key_error(path, "the key path names no file"))?;
    let mut temporary_name = file_name.to_os_string();
    temporary_name.push(".tmp");
    let temporary = dir.join(temporary_name);
    // A leftover from a crash during an earlier write holds no key we handed out.
    match fs::remove_file(&temporary) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(key_error(&temporary, error)),
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&temporary)
        .map_err(|error| key_error(&temporary, error))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .map_err(|error| key_error(&temporary, error))?;
    drop(file);
    fs::rename(&temporary, path).map_err(|error| key_error(path, error))?;
    fs::File::open(&dir)
        .and_then(|dir| dir.sync_all())
        .map_err(|error| key_error(path, format!("syncing its directory: {error}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_and_loaded_after() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("nested").join("node.key");
        let first = load_or_create_node_key(&path).expect("created");
        let second = load_or_create_node_key(&path).expect("loaded");
        assert_eq!(first.public().to_peer_id(), second.public().to_peer_id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("exists").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!path.with_file_name("node.key.tmp").exists());
    }

    #[test]
    fn a_corrupt_key_file_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("node.key");
        fs::write(&path, b"definitely not a key").expect("written");
        let error = load_or_create_node_key(&path).expect_err("corrupt key refused");
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        // The corrupt file is left for the operator, not replaced by a new identity.
        assert_eq!(
            fs::read(&path).expect("still there"),
            b"definitely not a key"
        );
    }
}
