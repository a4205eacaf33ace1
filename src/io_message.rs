//! Input/output errors in Italian: what could not be done, to which of the user's files
//! or folders, and why, in words of the office. The one place an `std::io::Error` becomes
//! text: never the operating system's English words ("Permission denied (os error 13)")
//! nor the name of a file `piao` made for itself (a temporary file, a probe).

use std::io::{Error, ErrorKind};
use std::path::Path;

/// "non riesco a {action} `{path}`: {reason}" — `path` is the user's file or folder
/// (never a temporary one), `action` says what was being done ("leggere il file",
/// "scrivere nella cartella").
pub fn describe(e: &Error, path: &Path, action: &str) -> String {
    format!("non riesco a {action} `{}`: {}", path.display(), reason(e))
}

/// Why an input/output operation failed, in Italian, from the error's kind (and, where
/// the kind says nothing, the operating system's code).
pub fn reason(e: &Error) -> String {
    #[cfg(windows)]
    {
        // ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: the file is open elsewhere.
        if matches!(e.raw_os_error(), Some(32) | Some(33)) {
            return "il file è aperto in un altro programma: chiudilo e riprova".into();
        }
    }
    let said = match e.kind() {
        ErrorKind::NotFound => "non esiste (controlla il nome e la cartella)",
        ErrorKind::PermissionDenied => {
            "non hai il permesso di farlo (scegli un'altra cartella, o chiedi a chi gestisce il computer)"
        }
        ErrorKind::AlreadyExists => "esiste già",
        ErrorKind::StorageFull => "il disco è pieno",
        ErrorKind::QuotaExceeded => "hai esaurito lo spazio che ti è concesso su questo disco",
        ErrorKind::FileTooLarge => "il file è troppo grande per questo disco",
        ErrorKind::ReadOnlyFilesystem => "il disco è in sola lettura",
        ErrorKind::NotADirectory => "una parte del percorso non è una cartella",
        ErrorKind::IsADirectory => "è una cartella, non un file",
        ErrorKind::DirectoryNotEmpty => "la cartella non è vuota",
        ErrorKind::InvalidFilename => "il nome non è valido (troppo lungo o con caratteri non ammessi)",
        ErrorKind::InvalidInput | ErrorKind::InvalidData => "il nome o i dati non sono validi",
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => {
            "è in uso da un altro programma: chiudilo e riprova"
        }
        ErrorKind::Deadlock => "è bloccato da un'altra operazione in corso: riprova",
        ErrorKind::CrossesDevices => "sta su un altro disco",
        ErrorKind::TooManyLinks => "ci sono troppi collegamenti",
        ErrorKind::StaleNetworkFileHandle => "la cartella di rete non è più raggiungibile",
        ErrorKind::NotSeekable => "non è un file normale",
        ErrorKind::TimedOut => "l'operazione ha impiegato troppo tempo: riprova",
        ErrorKind::Interrupted | ErrorKind::WouldBlock => "l'operazione è stata interrotta: riprova",
        ErrorKind::UnexpectedEof => "il file è finito prima del previsto",
        ErrorKind::WriteZero => "non è stato scritto nulla (il disco potrebbe essere pieno)",
        ErrorKind::BrokenPipe => "chi leggeva ha chiuso il collegamento",
        ErrorKind::OutOfMemory => "la memoria del computer non basta",
        ErrorKind::Unsupported => "non è possibile su questo sistema",
        ErrorKind::ArgumentListTooLong => "il comando è troppo lungo",
        ErrorKind::AddrInUse => "l'indirizzo è già usato da un altro programma",
        ErrorKind::AddrNotAvailable => "l'indirizzo non appartiene a questo computer",
        ErrorKind::ConnectionRefused => "il collegamento è stato rifiutato",
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
            "il collegamento è stato interrotto"
        }
        ErrorKind::NotConnected => "non c'è collegamento",
        ErrorKind::NetworkDown | ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => {
            "la rete non è raggiungibile"
        }
        _ => "",
    };
    if !said.is_empty() {
        return said.to_string();
    }
    match e.raw_os_error() {
        Some(code) => format!("errore del sistema operativo n. {code}"),
        None => "errore di lettura o scrittura".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every kind of I/O error the standard library names (stable ones).
    const KINDS: &[ErrorKind] = &[
        ErrorKind::NotFound,
        ErrorKind::PermissionDenied,
        ErrorKind::ConnectionRefused,
        ErrorKind::ConnectionReset,
        ErrorKind::HostUnreachable,
        ErrorKind::NetworkUnreachable,
        ErrorKind::ConnectionAborted,
        ErrorKind::NotConnected,
        ErrorKind::AddrInUse,
        ErrorKind::AddrNotAvailable,
        ErrorKind::NetworkDown,
        ErrorKind::BrokenPipe,
        ErrorKind::AlreadyExists,
        ErrorKind::WouldBlock,
        ErrorKind::NotADirectory,
        ErrorKind::IsADirectory,
        ErrorKind::DirectoryNotEmpty,
        ErrorKind::ReadOnlyFilesystem,
        ErrorKind::StaleNetworkFileHandle,
        ErrorKind::InvalidInput,
        ErrorKind::InvalidData,
        ErrorKind::TimedOut,
        ErrorKind::WriteZero,
        ErrorKind::StorageFull,
        ErrorKind::NotSeekable,
        ErrorKind::QuotaExceeded,
        ErrorKind::FileTooLarge,
        ErrorKind::ResourceBusy,
        ErrorKind::ExecutableFileBusy,
        ErrorKind::Deadlock,
        ErrorKind::CrossesDevices,
        ErrorKind::TooManyLinks,
        ErrorKind::InvalidFilename,
        ErrorKind::ArgumentListTooLong,
        ErrorKind::Interrupted,
        ErrorKind::Unsupported,
        ErrorKind::UnexpectedEof,
        ErrorKind::OutOfMemory,
        ErrorKind::Other,
    ];

    /// Words of the operating system's and the standard library's English messages.
    const ENGLISH: &[&str] = &[
        "os",
        "error",
        "denied",
        "not",
        "found",
        "no",
        "such",
        "already",
        "exists",
        "space",
        "left",
        "read",
        "only",
        "directory",
        "permission",
        "at",
        "path",
        "operation",
        "device",
        "resource",
        "busy",
        "entity",
        "timed",
        "out",
        "broken",
        "pipe",
        "unavailable",
        "invalid",
        "argument",
        "connection",
        "refused",
        "reset",
        "network",
        "unreachable",
        "interrupted",
        "unexpected",
        "end",
        "of",
        "memory",
        "other",
        "uncategorized",
        "is",
        "the",
        "too",
        "many",
        "open",
        "files",
        "system",
        "call",
        "protocol",
        "address",
        "use",
        "would",
        "block",
        "access",
    ];

    fn assert_italian(e: &Error) -> Result<(), TestCaseError> {
        let path = Path::new("/home/ufficio/Documenti/allegato");
        let message = describe(e, path, "scrivere nella cartella");
        prop_assert!(
            message.starts_with(
                "non riesco a scrivere nella cartella `/home/ufficio/Documenti/allegato`: "
            ),
            "{}",
            message
        );
        let reason = reason(e);
        prop_assert!(!reason.is_empty());
        for word in reason.split(|c: char| !c.is_alphanumeric()) {
            prop_assert!(
                !ENGLISH.contains(&word.to_lowercase().as_str()),
                "{:?} → {} (`{}`)",
                e,
                reason,
                word
            );
        }
        prop_assert!(!message.contains("piao-probe"), "{}", message);
        Ok(())
    }

    #[test]
    fn every_kind_is_said_in_italian() {
        for kind in KINDS {
            // As the standard library makes them, and wrapped as tempfile's are (with
            // the probe's name in the English text).
            let plain = Error::from(*kind);
            let wrapped = Error::new(
                *kind,
                "Permission denied (os error 13) at path \"/tmp/x/.piao-probe-ksp7lT\"",
            );
            for e in [plain, wrapped] {
                assert_italian(&e).unwrap();
            }
        }
    }

    proptest! {
        #[test]
        fn raw_os_codes_are_said_in_italian(code in 0i32..5000) {
            assert_italian(&Error::from_raw_os_error(code))?;
        }

        #[test]
        fn wrapped_os_errors_never_show_their_text(code in 0i32..200, path in "[a-zA-Z0-9/._-]{1,40}") {
            let inner = Error::from_raw_os_error(code);
            let e = Error::new(inner.kind(), format!("{inner} at path \"{path}\""));
            assert_italian(&e)?;
        }
    }
}
