//! Windows: private files through an ACL that admits only the current user, set when
//! the file or directory is created. Unix mode bits and owners are [`Checked::NotHere`].

use std::ffi::OsStr;
use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle};
use std::path::{Path, PathBuf};
use std::ptr::null_mut;
use std::sync::OnceLock;

use windows_sys::Win32::Foundation::{
    CloseHandle, GetLastError, LocalFree, ERROR_INVALID_PARAMETER, HANDLE, INVALID_HANDLE_VALUE,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, TokenUser, PSECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES, TOKEN_QUERY,
    TOKEN_USER,
};
use windows_sys::Win32::Storage::FileSystem::{
    CreateDirectoryW, CreateFileW, GetFileInformationByHandle, BY_HANDLE_FILE_INFORMATION,
    CREATE_NEW, FILE_APPEND_DATA, FILE_ATTRIBUTE_NORMAL, FILE_FLAG_BACKUP_SEMANTICS,
    FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_ATTRIBUTES, FILE_SHARE_DELETE, FILE_SHARE_READ,
    FILE_SHARE_WRITE, FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA, OPEN_ALWAYS, SYNCHRONIZE,
};
use windows_sys::Win32::System::Console::{
    GetConsoleMode, GetStdHandle, SetConsoleMode, CONSOLE_MODE, STD_INPUT_HANDLE,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, GetExitCodeProcess, OpenProcess, OpenProcessToken,
    PROCESS_QUERY_LIMITED_INFORMATION,
};

use super::{Checked, FileId, OtherOwner};

/// `GetExitCodeProcess`'s answer for a process that still runs.
const STILL_ACTIVE: u32 = 259;

fn wide(text: &OsStr) -> Vec<u16> {
    text.encode_wide().chain(Some(0)).collect()
}

/// Frees what a Win32 call allocated with `LocalAlloc` when dropped.
struct LocalBox(*mut core::ffi::c_void);

impl Drop for LocalBox {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from a call documented to need LocalFree.
            unsafe { LocalFree(self.0) };
        }
    }
}

/// The current user's SID as text (`S-1-5-21-...`).
fn current_user_sid() -> io::Result<String> {
    // SAFETY: each call gets buffers of the sizes it asks for; the token handle is
    // closed before returning.
    unsafe {
        let mut token: HANDLE = null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut needed = 0u32;
        GetTokenInformation(token, TokenUser, null_mut(), 0, &mut needed);
        // u64 elements keep the buffer aligned for TOKEN_USER.
        let mut buffer = vec![0u64; (needed as usize).div_ceil(8).max(1)];
        let ok = GetTokenInformation(
            token,
            TokenUser,
            buffer.as_mut_ptr().cast(),
            needed,
            &mut needed,
        );
        let err = io::Error::last_os_error();
        CloseHandle(token);
        if ok == 0 {
            return Err(err);
        }
        let user = &*(buffer.as_ptr() as *const TOKEN_USER);
        let mut text: *mut u16 = null_mut();
        if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
            return Err(io::Error::last_os_error());
        }
        let _free = LocalBox(text.cast());
        let length = (0..).take_while(|&i| *text.add(i) != 0).count();
        Ok(String::from_utf16_lossy(std::slice::from_raw_parts(
            text, length,
        )))
    }
}

/// A security descriptor whose protected DACL gives the current user full
/// access and nobody else any, inherited by files and folders made inside.
struct PrivateDescriptor(LocalBox);

impl PrivateDescriptor {
    fn new() -> io::Result<PrivateDescriptor> {
        let sddl = format!("D:P(A;OICI;FA;;;{})", current_user_sid()?);
        let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
        // SAFETY: the string is NUL-terminated; the descriptor is freed by LocalBox.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                wide(OsStr::new(&sddl)).as_ptr(),
                1, // SDDL_REVISION_1
                &mut descriptor,
                null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(PrivateDescriptor(LocalBox(descriptor)))
    }

    fn attributes(&self) -> SECURITY_ATTRIBUTES {
        SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: self.0 .0,
            bInheritHandle: 0,
        }
    }
}

pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let descriptor = PrivateDescriptor::new()?;
    let attributes = descriptor.attributes();
    // SAFETY: the path is NUL-terminated and the attributes outlive the call.
    if unsafe { CreateDirectoryW(wide(dir.as_os_str()).as_ptr(), &attributes) } == 0 {
        let err = io::Error::last_os_error();
        // Made meanwhile by another run: fine, as for create_dir_all.
        if !dir.is_dir() {
            return Err(err);
        }
    }
    Ok(())
}

fn create_private(path: &Path, access: u32, share: u32, how: u32, flags: u32) -> io::Result<File> {
    let descriptor = PrivateDescriptor::new()?;
    let attributes = descriptor.attributes();
    // SAFETY: the path is NUL-terminated and the attributes outlive the call; the
    // handle returned is owned by the File from here on.
    let handle = unsafe {
        CreateFileW(
            wide(path.as_os_str()).as_ptr(),
            access,
            share,
            &attributes,
            how,
            FILE_ATTRIBUTE_NORMAL | flags,
            null_mut(),
        )
    };
    if handle == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    Ok(unsafe { File::from_raw_handle(handle as _) })
}

pub fn create_new_private_file(path: &Path) -> io::Result<File> {
    create_private(
        path,
        FILE_WRITE_DATA
            | FILE_APPEND_DATA
            | FILE_READ_ATTRIBUTES
            | FILE_WRITE_ATTRIBUTES
            | SYNCHRONIZE,
        FILE_SHARE_READ | FILE_SHARE_DELETE,
        CREATE_NEW,
        0,
    )
}

pub fn open_private_append(path: &Path) -> io::Result<File> {
    create_private(
        path,
        // Append only: without FILE_WRITE_DATA every write goes to the end.
        FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        FILE_SHARE_READ | FILE_SHARE_WRITE,
        OPEN_ALWAYS,
        // A symlink is opened as itself, and then refused as not a regular file.
        FILE_FLAG_OPEN_REPARSE_POINT,
    )
}

pub fn open_lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        // Deleting it stays possible while it is held (`unlink` removes it).
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
}

pub fn open_read_nonblocking(path: &Path) -> io::Result<File> {
    // Paths on a Windows file system name no FIFOs (pipes live under \\.\pipe\),
    // so an ordinary open cannot wait for a writer.
    File::open(path)
}

pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

pub fn special_kind(_meta: &Metadata) -> Option<&'static str> {
    None
}

pub fn file_id(file: &File) -> io::Result<FileId> {
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: the handle is open for as long as `file` lives.
    if unsafe { GetFileInformationByHandle(file.as_raw_handle() as HANDLE, &mut info) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let index = (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow);
    Ok(FileId(u64::from(info.dwVolumeSerialNumber), index))
}

pub fn path_file_id(path: &Path) -> io::Result<FileId> {
    let file = OpenOptions::new()
        .access_mode(FILE_READ_ATTRIBUTES)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)?;
    file_id(&file)
}

pub fn mode_bits(_meta: &Metadata) -> Checked<u32> {
    Checked::NotHere
}

pub fn other_owner(_path: &Path, _meta: &Metadata) -> Checked<Option<OtherOwner>> {
    Checked::NotHere
}

pub fn process_is_gone(pid: u32) -> bool {
    // SAFETY: the handle, when one is returned, is closed before returning.
    unsafe {
        let process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if process.is_null() {
            return GetLastError() == ERROR_INVALID_PARAMETER;
        }
        let mut code = 0u32;
        let known = GetExitCodeProcess(process, &mut code) != 0;
        CloseHandle(process);
        known && code != STILL_ACTIVE
    }
}

static SAVED_CONSOLE_MODE: OnceLock<CONSOLE_MODE> = OnceLock::new();

pub fn save_terminal() {
    let mut mode: CONSOLE_MODE = 0;
    // SAFETY: GetConsoleMode writes one u32; it fails harmlessly when stdin is not
    // a console.
    if unsafe { GetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), &mut mode) } != 0 {
        let _ = SAVED_CONSOLE_MODE.set(mode);
    }
}

pub fn restore_terminal() {
    if let Some(mode) = SAVED_CONSOLE_MODE.get() {
        // SAFETY: puts back the mode read from the same handle at start-up.
        unsafe { SetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), *mode) };
    }
}

pub fn enable_ansi_on_stderr() -> bool {
    // The console crate (dialoguer's and indicatif's) switches the console to
    // take them, and knows an MSYS terminal takes them anyway.
    console::Term::stderr().features().colors_supported()
}

/// The variables that name the known folders.
pub const CONFIG_BASE: &str = "APPDATA";
pub const STATE_BASE: &str = "LOCALAPPDATA";

pub fn default_base(
    absolute: &dyn Fn(&str) -> Option<PathBuf>,
    xdg: &str,
    name: &str,
) -> Result<PathBuf, String> {
    absolute(name).ok_or_else(|| {
        format!(
            "neither {xdg} nor %{name}% is set to an absolute path: set {xdg} to a folder of yours"
        )
    })
}
