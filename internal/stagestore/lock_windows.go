//go:build windows

package stagestore

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockFile takes an exclusive lock on the first byte of f (LockFileEx),
// waiting for a second process to let go of it.
func lockFile(f *os.File) error {
	var ol windows.Overlapped
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ol)
}

func unlockFile(f *os.File) error {
	var ol windows.Overlapped
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}

// replaceFile renames from over to with MoveFileEx, replacing the old file
// and returning only once the move is on disk (MOVEFILE_WRITE_THROUGH):
// Windows has no fsync of a directory.
func replaceFile(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	if err := windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

// dirSync is whether a directory can be fsynced to make a rename durable.
const dirSync = false

// fileNameEscapes are characters, beyond url.PathEscape's, that a Windows
// file name cannot hold (a ':' would name an alternate data stream).
const fileNameEscapes = `:*?"<>|\`
