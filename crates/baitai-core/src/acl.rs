//! Windows access control lists for the files and folders Unix creates 0600 and 0700: a
//! protected DACL that grants this user alone, set through the Win32 security API.
// The Win32 security calls have no safe wrapper in a maintained crate small enough to take on
// for this handful of calls; each unsafe block says what it relies on.
#![allow(unsafe_code)]

use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;

use windows_sys::Win32::Foundation::{
    CloseHandle, LocalFree, ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED, ERROR_SUCCESS, HANDLE,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertStringSidToSidW, GetNamedSecurityInfoW, SetEntriesInAclW, EXPLICIT_ACCESS_W,
    NO_MULTIPLE_TRUSTEE, SET_ACCESS, SE_FILE_OBJECT, TRUSTEE_IS_SID, TRUSTEE_IS_USER, TRUSTEE_W,
};
use windows_sys::Win32::Security::{
    EqualSid, GetAce, GetTokenInformation, InitializeSecurityDescriptor, SetFileSecurityW,
    SetSecurityDescriptorControl, SetSecurityDescriptorDacl, TokenUser, ACCESS_ALLOWED_ACE, ACL,
    DACL_SECURITY_INFORMATION, INHERIT_ONLY_ACE, NO_INHERITANCE, PSECURITY_DESCRIPTOR, PSID,
    SECURITY_DESCRIPTOR, SE_DACL_PROTECTED, SUB_CONTAINERS_AND_OBJECTS_INHERIT, TOKEN_QUERY,
    TOKEN_USER,
};
use windows_sys::Win32::Storage::FileSystem::FILE_ALL_ACCESS;
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// What a path names: a folder's entry is inherited by what is later created in it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Object {
    /// A file.
    File,
    /// A folder; the files SQLite or tempfile later create inside inherit its entry.
    Folder,
}

/// Give `path` a protected DACL with one entry, full control for this user: nothing inherited
/// from the parent folder, nobody else (as Unix 0600/0700). A volume without ACLs (FAT, exFAT:
/// USB sticks) has nothing to restrict, and that is not an error.
pub fn restrict_to_user(path: &Path, object: Object) -> io::Result<()> {
    let user = TokenUserSid::current()?;
    let acl = UserAcl::new(&user, object)?;
    let wide = wide(path);
    // SetFileSecurityW rather than SetNamedSecurityInfoW: the new object has no children to
    // propagate to, and Wine (where the tests run) applies only the former.
    let mut sd = SECURITY_DESCRIPTOR::default();
    let sdp: PSECURITY_DESCRIPTOR = (&mut sd as *mut SECURITY_DESCRIPTOR).cast();
    // SAFETY: `sd` is an absolute security descriptor that lives, with `acl`, past the call;
    // `wide` is NUL-terminated.
    let ok = unsafe {
        InitializeSecurityDescriptor(sdp, 1) != 0
            && SetSecurityDescriptorDacl(sdp, 1, acl.0, 0) != 0
            && SetSecurityDescriptorControl(sdp, SE_DACL_PROTECTED, SE_DACL_PROTECTED) != 0
            && SetFileSecurityW(wide.as_ptr(), DACL_SECURITY_INFORMATION, sdp) != 0
    };
    if ok {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error().map(|c| c as u32) {
        Some(ERROR_NOT_SUPPORTED | ERROR_INVALID_FUNCTION) => Ok(()),
        _ => Err(e),
    }
}

/// Whether `path`'s DACL lets in people other than its owner: an allow entry for Everyone,
/// Authenticated Users, Users or Guests. A check for tests and for saying what is exposed.
pub fn grants_others(path: &Path) -> io::Result<bool> {
    let wide = wide(path);
    let mut dacl: *mut ACL = std::ptr::null_mut();
    let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: the out-pointers are valid; the descriptor is freed below, and `dacl` points into it.
    let rc = unsafe {
        GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut dacl,
            std::ptr::null_mut(),
            &mut sd,
        )
    };
    if rc != ERROR_SUCCESS {
        return Err(io::Error::from_raw_os_error(rc as i32));
    }
    let mut others = Vec::new();
    for s in ["WD", "AU", "BU", "BG"] {
        others.push(WellKnownSid::parse(s)?);
    }
    // SAFETY: `dacl` came from GetNamedSecurityInfoW and is read before LocalFree.
    let answer = unsafe { allows_any(dacl, &others) };
    // SAFETY: allocated by GetNamedSecurityInfoW, used no more.
    unsafe { LocalFree(sd) };
    Ok(answer)
}

/// Whether an allow entry of `dacl` that applies to the object itself names one of `sids`. A
/// null DACL lets everyone in.
///
/// # Safety
/// `dacl` is null or a valid ACL.
unsafe fn allows_any(dacl: *const ACL, sids: &[WellKnownSid]) -> bool {
    if dacl.is_null() {
        return true;
    }
    (0..(*dacl).AceCount as u32).any(|i| {
        let mut ace: *mut core::ffi::c_void = std::ptr::null_mut();
        if GetAce(dacl, i, &mut ace) == 0 {
            return false;
        }
        let ace = ace.cast::<ACCESS_ALLOWED_ACE>();
        // ACCESS_ALLOWED_ACE_TYPE is 0.
        let header = (*ace).Header;
        header.AceType == 0
            && u32::from(header.AceFlags) & INHERIT_ONLY_ACE == 0
            && sids
                .iter()
                .any(|s| EqualSid(std::ptr::addr_of_mut!((*ace).SidStart).cast(), s.0) != 0)
    })
}

/// A one-entry ACL made by SetEntriesInAclW, freed on drop.
struct UserAcl(*mut ACL);

impl UserAcl {
    fn new(user: &TokenUserSid, object: Object) -> io::Result<UserAcl> {
        let inheritance = match object {
            Object::File => NO_INHERITANCE,
            Object::Folder => SUB_CONTAINERS_AND_OBJECTS_INHERIT,
        };
        let entry = EXPLICIT_ACCESS_W {
            grfAccessPermissions: FILE_ALL_ACCESS,
            grfAccessMode: SET_ACCESS,
            grfInheritance: inheritance,
            Trustee: TRUSTEE_W {
                pMultipleTrustee: std::ptr::null_mut(),
                MultipleTrusteeOperation: NO_MULTIPLE_TRUSTEE,
                TrusteeForm: TRUSTEE_IS_SID,
                TrusteeType: TRUSTEE_IS_USER,
                ptstrName: user.sid().cast(),
            },
        };
        let mut acl: *mut ACL = std::ptr::null_mut();
        // SAFETY: `entry` names a SID that lives in `user` for the call; the new ACL is
        // allocated by the call and freed on drop.
        let rc = unsafe { SetEntriesInAclW(1, &entry, std::ptr::null(), &mut acl) };
        if rc != ERROR_SUCCESS {
            return Err(io::Error::from_raw_os_error(rc as i32));
        }
        Ok(UserAcl(acl))
    }
}

impl Drop for UserAcl {
    fn drop(&mut self) {
        // SAFETY: allocated by SetEntriesInAclW with LocalAlloc, used no more.
        unsafe { LocalFree(self.0.cast()) };
    }
}

/// A SID from its SDDL abbreviation ("WD" is Everyone), freed on drop.
struct WellKnownSid(PSID);

impl WellKnownSid {
    fn parse(sddl: &str) -> io::Result<WellKnownSid> {
        let wide: Vec<u16> = sddl.encode_utf16().chain(Some(0)).collect();
        let mut sid: PSID = std::ptr::null_mut();
        // SAFETY: `wide` is NUL-terminated; the SID is allocated by the call, freed on drop.
        if unsafe { ConvertStringSidToSidW(wide.as_ptr(), &mut sid) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(WellKnownSid(sid))
    }
}

impl Drop for WellKnownSid {
    fn drop(&mut self) {
        // SAFETY: allocated by ConvertStringSidToSidW with LocalAlloc, used no more.
        unsafe { LocalFree(self.0) };
    }
}

/// The current process's user SID, in the buffer GetTokenInformation filled.
struct TokenUserSid {
    buf: Vec<u64>,
}

impl TokenUserSid {
    fn current() -> io::Result<TokenUserSid> {
        let mut token: HANDLE = std::ptr::null_mut();
        // SAFETY: GetCurrentProcess returns a pseudo-handle; `token` is closed below.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let got = Self::read(token);
        // SAFETY: opened above, used no more.
        unsafe { CloseHandle(token) };
        got
    }

    fn read(token: HANDLE) -> io::Result<TokenUserSid> {
        let mut len = 0u32;
        // SAFETY: a null buffer of length 0 asks for the length needed.
        unsafe { GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut len) };
        // u64 words keep the TOKEN_USER at the buffer's start aligned.
        let mut buf = vec![0u64; (len as usize).div_ceil(8).max(1)];
        // SAFETY: `buf` holds at least `len` bytes.
        let ok = unsafe {
            GetTokenInformation(token, TokenUser, buf.as_mut_ptr().cast(), len, &mut len)
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(TokenUserSid { buf })
    }

    /// The SID, which points into `buf`.
    fn sid(&self) -> PSID {
        // SAFETY: `buf` was filled with a TOKEN_USER by GetTokenInformation.
        unsafe { (*self.buf.as_ptr().cast::<TOKEN_USER>()).User.Sid }
    }
}

fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain(Some(0)).collect()
}
