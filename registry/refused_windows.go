//go:build windows

package registry

import (
	"errors"

	"golang.org/x/sys/windows"
)

// isRefused is a connection refused: on Windows connect fails with
// WSAECONNREFUSED, which syscall.ECONNREFUSED (an invented number there)
// does not match.
func isRefused(err error) bool {
	return errors.Is(err, windows.WSAECONNREFUSED) || errors.Is(err, windows.ERROR_CONNECTION_REFUSED)
}

// trustHint says how to trust a private CA. Go verifies with the Windows
// certificate store and ignores SSL_CERT_FILE here.
const trustHint = "pass its PEM certificate with --ca-file FILE (or ca-files in the config file), or add it to the Windows certificate store (certutil -addstore Root FILE)"
