//go:build darwin

package registry

import (
	"errors"
	"syscall"
)

// isRefused is a connection refused.
func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// trustHint says how to trust a private CA. Go verifies with the macOS
// keychain and ignores SSL_CERT_FILE here.
const trustHint = "pass its PEM certificate with --ca-file FILE (or ca-files in the config file), or add it to the System keychain (security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain FILE)"
