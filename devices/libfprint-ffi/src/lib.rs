//! A thin, safe wrapper over the few libfprint-2 calls huella needs: enumerate readers,
//! open one, capture one raw image, close. Every GLib object is reference-counted by a Rust
//! owner and released on drop; every C string and buffer is copied out before the call that
//! produced it returns. Owns no policy: which reader to use and what an error means to an
//! officer is `huella-devices`' job.
//!
//! libfprint objects are not thread-safe: a [`Context`] and its [`Device`]s are `!Send` and
//! must stay on the thread that made them (the sync calls iterate that thread's GLib main
//! context). Only [`Cancellable`] crosses threads, as GIO documents `g_cancellable_cancel`
//! to be thread-safe.

// The whole point of this crate is calling C; each unsafe block says why it is sound.
#![allow(unsafe_code)]

mod sys;

use std::ffi::{CStr, c_char, c_void};
use std::ptr;

/// Largest image side accepted from the library (libfprint's virtual device caps at 5000).
const MAX_SIDE: u32 = 5000;

/// An error reported by libfprint (or GLib) for one call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FpError {
    /// `FP_DEVICE_RETRY`: the scan failed, the person should try again (code: 0 general,
    /// 1 too short, 2 centre finger, 3 remove finger).
    #[error("libfprint retry {code}: {message}")]
    Retry {
        /// `FpDeviceRetry` value.
        code: i32,
        /// libfprint's own (English) text, for logs.
        message: String,
    },
    /// `FP_DEVICE_ERROR`: the device failed (0 general, 1 not supported, 2 not open,
    /// 3 already open, 4 busy, 5 protocol, 6–9 data, 0x100 removed, 0x101 too hot).
    #[error("libfprint error {code}: {message}")]
    Device {
        /// `FpDeviceError` value.
        code: i32,
        /// libfprint's own text, for logs.
        message: String,
    },
    /// The operation was cancelled through its [`Cancellable`].
    #[error("cancelled")]
    Cancelled,
    /// Any other GLib error domain.
    #[error("GLib error (domain {domain}, code {code}): {message}")]
    Other {
        /// GQuark of the domain.
        domain: u32,
        /// Code within the domain.
        code: i32,
        /// Text, for logs.
        message: String,
    },
    /// The library returned nothing and no error (should not happen), or an image whose size
    /// is implausible.
    #[error("libfprint returned no usable result")]
    NoResult,
}

/// Copies a C string the library owns (may be null).
fn owned(s: *const c_char) -> String {
    if s.is_null() {
        return String::new();
    }
    // SAFETY: libfprint returns NUL-terminated strings that live as long as the object we
    // hold a reference to; we copy before releasing it.
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

/// Turns a `GError*` set by a call into an [`FpError`] and frees it.
fn take_error(err: *mut sys::GError) -> FpError {
    if err.is_null() {
        return FpError::NoResult;
    }
    // SAFETY: `err` was set by a GLib-style call, so it points to a valid GError that we
    // own; the quark functions have no preconditions.
    let (domain, code, message, retry, device, io) = unsafe {
        let e = &*err;
        (
            e.domain,
            e.code,
            owned(e.message),
            sys::fp_device_retry_quark(),
            sys::fp_device_error_quark(),
            sys::g_io_error_quark(),
        )
    };
    // SAFETY: we own the error and free it exactly once; `message` was copied above.
    unsafe { sys::g_error_free(err) };
    // G_IO_ERROR_CANCELLED is 19 in gioenums.h.
    match domain {
        d if d == retry => FpError::Retry { code, message },
        d if d == device => FpError::Device { code, message },
        d if d == io && code == 19 => FpError::Cancelled,
        _ => FpError::Other {
            domain,
            code,
            message,
        },
    }
}

/// A libfprint context: the entry point that enumerates readers.
#[derive(Debug)]
pub struct Context {
    ctx: *mut sys::FpContext,
}

impl Context {
    /// A new context, or `None` if the library could not make one.
    pub fn new() -> Option<Self> {
        // SAFETY: no preconditions; returns a new reference or null.
        let ctx = unsafe { sys::fp_context_new() };
        (!ctx.is_null()).then_some(Self { ctx })
    }

    /// The readers libfprint supports that are present now (USB, and virtual devices
    /// selected through their environment variables).
    pub fn devices(&self) -> Vec<Device> {
        // SAFETY: `self.ctx` is a live context; the array is owned by it (transfer none) and
        // is only read here.
        let arr = unsafe { sys::fp_context_get_devices(self.ctx) };
        if arr.is_null() {
            return Vec::new();
        }
        // SAFETY: a GPtrArray's `pdata` holds `len` valid element pointers.
        let (pdata, len) = unsafe { ((*arr).pdata, (*arr).len as usize) };
        (0..len)
            .filter_map(|i| {
                // SAFETY: `i < len`; each element is an FpDevice owned by the context; we
                // take our own reference so the Device outlives the array.
                let dev = unsafe { *pdata.add(i) };
                if dev.is_null() {
                    return None;
                }
                // SAFETY: `dev` is a live GObject.
                unsafe { sys::g_object_ref(dev) };
                Some(Device {
                    dev: dev.cast(),
                    open: false,
                })
            })
            .collect()
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: we hold the one reference `fp_context_new` gave us.
        unsafe { sys::g_object_unref(self.ctx.cast()) };
    }
}

/// What libfprint says about a reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Human-readable name, e.g. "Digital Persona U.are.U 4000/4000B/4500".
    pub name: String,
    /// Driver id, e.g. `uru4000`, `virtual_image`.
    pub driver: String,
    /// Device id (bus path or virtual socket).
    pub device_id: String,
    /// True if the reader can hand out images (`FP_DEVICE_FEATURE_CAPTURE`); readers that
    /// match on the chip cannot.
    pub can_capture: bool,
}

/// A reader (one reference held).
#[derive(Debug)]
pub struct Device {
    dev: *mut sys::FpDevice,
    open: bool,
}

/// A raw 8-bit grey image as the reader delivered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` bytes, rows top to bottom.
    pub pixels: Vec<u8>,
}

impl Device {
    /// Name, driver, id and whether it captures images.
    pub fn info(&self) -> DeviceInfo {
        // SAFETY: `self.dev` is live; the strings belong to it and are copied at once.
        unsafe {
            DeviceInfo {
                name: owned(sys::fp_device_get_name(self.dev)),
                driver: owned(sys::fp_device_get_driver(self.dev)),
                device_id: owned(sys::fp_device_get_device_id(self.dev)),
                can_capture: sys::fp_device_has_feature(self.dev, sys::FP_DEVICE_FEATURE_CAPTURE)
                    != 0,
            }
        }
    }

    /// Opens the reader (blocking).
    pub fn open(&mut self, cancel: &Cancellable) -> Result<(), FpError> {
        let mut err = ptr::null_mut();
        // SAFETY: live device and cancellable; `err` is a valid out-pointer.
        let ok = unsafe { sys::fp_device_open_sync(self.dev, cancel.ptr, &mut err) };
        if ok == 0 {
            return Err(take_error(err));
        }
        self.open = true;
        Ok(())
    }

    /// Captures one image (blocking until a finger, an error, or cancellation).
    pub fn capture(
        &mut self,
        wait_for_finger: bool,
        cancel: &Cancellable,
    ) -> Result<Image, FpError> {
        let mut err = ptr::null_mut();
        // SAFETY: live, opened device and cancellable; `err` is a valid out-pointer; the
        // returned image is a new reference (transfer full) released below.
        let img = unsafe {
            sys::fp_device_capture_sync(self.dev, i32::from(wait_for_finger), cancel.ptr, &mut err)
        };
        if img.is_null() {
            return Err(take_error(err));
        }
        // SAFETY: `img` is a live FpImage; its data buffer holds `len` bytes that we copy
        // before releasing our reference.
        let result = unsafe {
            let width = sys::fp_image_get_width(img);
            let height = sys::fp_image_get_height(img);
            let mut len = 0usize;
            let data = sys::fp_image_get_data(img, &mut len);
            let want = width as usize * height as usize;
            if data.is_null() || width > MAX_SIDE || height > MAX_SIDE || len < want {
                Err(FpError::NoResult)
            } else {
                Ok(Image {
                    width,
                    height,
                    pixels: std::slice::from_raw_parts(data, want).to_vec(),
                })
            }
        };
        // SAFETY: we own the one reference `capture_sync` returned.
        unsafe { sys::g_object_unref(img.cast()) };
        result
    }

    /// Closes the reader if open (blocking).
    pub fn close(&mut self) -> Result<(), FpError> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        let mut err = ptr::null_mut();
        // SAFETY: live, opened device; no cancellable; `err` is a valid out-pointer.
        let ok = unsafe { sys::fp_device_close_sync(self.dev, ptr::null_mut(), &mut err) };
        if ok == 0 {
            return Err(take_error(err));
        }
        Ok(())
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        // A reader left open keeps its USB interface claimed; closing errors are moot here.
        let _ = self.close();
        // SAFETY: we hold one reference, taken in `Context::devices`.
        unsafe { sys::g_object_unref(self.dev.cast()) };
    }
}

/// A GIO cancellable: cancel a blocking open or capture from another thread.
#[derive(Debug)]
pub struct Cancellable {
    ptr: *mut sys::GCancellable,
}

// SAFETY: GCancellable is documented thread-safe for cancel/ref/unref; we expose only those.
unsafe impl Send for Cancellable {}
// SAFETY: as above; `cancel` takes `&self` and GIO serialises it internally.
unsafe impl Sync for Cancellable {}

impl Cancellable {
    /// A fresh, not-cancelled cancellable.
    pub fn new() -> Self {
        // SAFETY: no preconditions; returns a new reference (never null per GIO).
        let ptr = unsafe { sys::g_cancellable_new() };
        Self { ptr }
    }

    /// Cancels the operation using it (thread-safe).
    pub fn cancel(&self) {
        // SAFETY: live cancellable.
        unsafe { sys::g_cancellable_cancel(self.ptr) };
    }
}

impl Default for Cancellable {
    fn default() -> Self {
        Self::new()
    }
}

impl Clone for Cancellable {
    fn clone(&self) -> Self {
        // SAFETY: live GObject; the new reference is released by the clone's drop.
        unsafe { sys::g_object_ref(self.ptr.cast::<c_void>()) };
        Self { ptr: self.ptr }
    }
}

impl Drop for Cancellable {
    fn drop(&mut self) {
        // SAFETY: we hold one reference.
        unsafe { sys::g_object_unref(self.ptr.cast()) };
    }
}
