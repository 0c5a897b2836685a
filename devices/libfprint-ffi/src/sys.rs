//! Raw declarations of the libfprint-2 and GLib symbols used, transcribed from the 1.94
//! headers (`fp-context.h`, `fp-device.h`, `fp-image.h`) and GLib 2.74. Nothing else.

use std::ffi::{c_char, c_int, c_uint, c_void};

/// `GQuark`.
pub type GQuark = u32;
/// `gboolean`.
pub type GBoolean = c_int;

/// `GError`: domain, code, message.
#[repr(C)]
pub struct GError {
    pub domain: GQuark,
    pub code: c_int,
    pub message: *mut c_char,
}

/// `GPtrArray` public fields.
#[repr(C)]
pub struct GPtrArray {
    pub pdata: *mut *mut c_void,
    pub len: c_uint,
}

/// Opaque `FpContext`.
#[repr(C)]
pub struct FpContext {
    _private: [u8; 0],
}
/// Opaque `FpDevice`.
#[repr(C)]
pub struct FpDevice {
    _private: [u8; 0],
}
/// Opaque `FpImage`.
#[repr(C)]
pub struct FpImage {
    _private: [u8; 0],
}
/// Opaque `GCancellable`.
#[repr(C)]
pub struct GCancellable {
    _private: [u8; 0],
}

/// `FP_DEVICE_FEATURE_CAPTURE`.
pub const FP_DEVICE_FEATURE_CAPTURE: c_uint = 1;

#[link(name = "fprint-2")]
unsafe extern "C" {
    pub fn fp_context_new() -> *mut FpContext;
    pub fn fp_context_get_devices(ctx: *mut FpContext) -> *mut GPtrArray;
    pub fn fp_device_get_driver(dev: *mut FpDevice) -> *const c_char;
    pub fn fp_device_get_device_id(dev: *mut FpDevice) -> *const c_char;
    pub fn fp_device_get_name(dev: *mut FpDevice) -> *const c_char;
    pub fn fp_device_has_feature(dev: *mut FpDevice, feature: c_uint) -> GBoolean;
    pub fn fp_device_open_sync(
        dev: *mut FpDevice,
        cancellable: *mut GCancellable,
        error: *mut *mut GError,
    ) -> GBoolean;
    pub fn fp_device_close_sync(
        dev: *mut FpDevice,
        cancellable: *mut GCancellable,
        error: *mut *mut GError,
    ) -> GBoolean;
    pub fn fp_device_capture_sync(
        dev: *mut FpDevice,
        wait_for_finger: GBoolean,
        cancellable: *mut GCancellable,
        error: *mut *mut GError,
    ) -> *mut FpImage;
    pub fn fp_image_get_width(img: *mut FpImage) -> c_uint;
    pub fn fp_image_get_height(img: *mut FpImage) -> c_uint;
    pub fn fp_image_get_data(img: *mut FpImage, len: *mut usize) -> *const u8;
    pub fn fp_device_retry_quark() -> GQuark;
    pub fn fp_device_error_quark() -> GQuark;
}

#[link(name = "gobject-2.0")]
unsafe extern "C" {
    pub fn g_object_ref(obj: *mut c_void) -> *mut c_void;
    pub fn g_object_unref(obj: *mut c_void);
}

#[link(name = "gio-2.0")]
unsafe extern "C" {
    pub fn g_cancellable_new() -> *mut GCancellable;
    pub fn g_cancellable_cancel(c: *mut GCancellable);
    pub fn g_io_error_quark() -> GQuark;
}

#[link(name = "glib-2.0")]
unsafe extern "C" {
    pub fn g_error_free(err: *mut GError);
}
