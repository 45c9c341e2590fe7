//go:build windows

package registry

import (
	"errors"

	"golang.org/x/sys/windows"
)

// isReset is a connection reset by the peer (WSAECONNRESET on Windows;
// syscall.ECONNRESET does not match it there).
func isReset(err error) bool { return errors.Is(err, windows.WSAECONNRESET) }
