//go:build !windows && !darwin

package registry

import (
	"errors"
	"syscall"
)

// isRefused is a connection refused.
func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// trustHint says how to trust a private CA: Go reads SSL_CERT_FILE and
// SSL_CERT_DIR on these systems.
const trustHint = "pass its PEM certificate with --ca-file FILE (or ca-files in the config file), or set SSL_CERT_FILE"
