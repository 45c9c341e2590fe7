package registry

import (
	"errors"
	"fmt"
	"io"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// isStatus reports whether err is a registry error with the given HTTP status.
func isStatus(err error, code int) bool {
	var te *transport.Error
	return errors.As(err, &te) && te.StatusCode == code
}

// readLimited reads at most limit bytes from r and fails, naming what and the
// size, when there is more.
func readLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes: refused", what, limit)
	}
	return b, nil
}
