//go:build !windows

package registry

import (
	"errors"
	"syscall"
)

// isReset is a connection reset by the peer.
func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }
