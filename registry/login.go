package registry

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// VerifyLogin makes the auth handshake with user/secret against host (a
// token request on token registries) and asks for /v2/ (basic-auth
// registries check there), so refused credentials are reported before they
// are kept or saved. It goes through the client's own transport: the user's
// CAs apply, and credentials never go over plain HTTP to a host the user did
// not name as insecure.
func (c *Client) VerifyLogin(ctx context.Context, host, user, secret string) error {
	reg, err := c.ParseRegistry(host)
	if err != nil {
		return err
	}
	auth := authn.FromConfig(authn.AuthConfig{Username: user, Password: secret})
	rt, err := transport.NewWithContext(ctx, reg, auth, c.Transport(), []string{reg.Scope(transport.PullScope)})
	if err != nil {
		return fmt.Errorf("log in to %s: %w", reg.RegistryStr(), redactErr(err, secret))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Scheme(reg.RegistryStr())+"://"+reg.RegistryStr()+"/v2/", nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		return fmt.Errorf("log in to %s: %w", reg.RegistryStr(), redactErr(err, secret))
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return fmt.Errorf("%s refused these credentials (%d): check the user name and password or token", reg.RegistryStr(), resp.StatusCode)
	}
	return nil
}
