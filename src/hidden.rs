//! Hiding piao's own files and folders inside a user's folder (the versions kept by
//! the browser editor, the lock files) where a leading dot does not: on Windows, whose
//! Explorer shows dot-files, they get the "hidden" attribute. Elsewhere the dot is
//! enough and nothing is done. Hiding is a courtesy: a failure is ignored.

use std::path::Path;

/// Marks `path` hidden (Windows); nothing elsewhere.
#[cfg(windows)]
pub fn hide(path: &Path) {
    use std::os::windows::ffi::OsStrExt;
    #[link(name = "kernel32")]
    extern "system" {
        fn GetFileAttributesW(name: *const u16) -> u32;
        fn SetFileAttributesW(name: *const u16, attributes: u32) -> i32;
    }
    const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
    const INVALID_FILE_ATTRIBUTES: u32 = u32::MAX;
    let wide: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
    // SAFETY: `wide` is a NUL-terminated UTF-16 path that outlives both calls.
    unsafe {
        let attributes = GetFileAttributesW(wide.as_ptr());
        if attributes != INVALID_FILE_ATTRIBUTES && attributes & FILE_ATTRIBUTE_HIDDEN == 0 {
            SetFileAttributesW(wide.as_ptr(), attributes | FILE_ATTRIBUTE_HIDDEN);
        }
    }
}

/// Marks `path` hidden (Windows); nothing elsewhere, where its leading dot hides it.
#[cfg(not(windows))]
pub fn hide(_path: &Path) {}
