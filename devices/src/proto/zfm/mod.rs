//! ZhianTec ZFM-20 / Grow R30x / AS608 packet protocol (see docs/devices.md): framing,
//! instruction subset and image packing. Sans-IO; must not open ports.

pub mod command;
pub mod image;
pub mod packet;

pub use command::{Ack, Command, SysParams, confirmation_error};
pub use packet::{Decoder, Packet, Pid};
