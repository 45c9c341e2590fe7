package registry

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
)

// Login checks user and secret against host, through the client's own
// handshake and transport (its CAs, its plain-HTTP guard, its --debug log),
// and when they are accepted makes this client use them for host from now
// on. They are kept in memory only (SaveCredentials writes them where docker
// does). With a repository ("app" or "host/app"), the check is that the
// account may read it — what the user was opening — not only that the
// password is right: a token registry grants a token to a good password
// whatever its scope.
func (c *Client) Login(ctx context.Context, host, repository, user, secret string) error {
	reg, err := c.ParseRegistry(host)
	if err != nil {
		return err
	}
	host = reg.RegistryStr()
	if err := c.VerifyLogin(ctx, host, repository, user, secret); err != nil {
		return err
	}
	c.session.Set(host, user, secret)
	c.hs.forget(host)
	return nil
}

// VerifyLogin checks user and secret as Login does, without keeping them.
func (c *Client) VerifyLogin(ctx context.Context, host, repository, user, secret string) error {
	reg, err := c.ParseRegistry(host)
	if err != nil {
		return err
	}
	host = reg.RegistryStr()
	// A handshake of its own, sharing the transport and the hints but
	// holding only these credentials.
	auth := authn.FromConfig(authn.AuthConfig{Username: user, Password: secret})
	h := &handshake{next: c.hs.next, realmRT: c.hs.realmRT, keychain: oneKeychain{auth}, ua: c.hs.ua,
		cache: c.cache, scheme: c.hs.scheme, allowed: c.hs.allowed, notice: c.hs.notice, now: c.hs.now,
		hosts: map[string]*hostAuth{}}
	path := "/v2/"
	if repository != "" {
		if r, err := c.ParseRepository(repository); err == nil && r.RegistryStr() == host {
			repository = r.RepositoryStr()
		}
		path = "/v2/" + repository + "/tags/list"
	}
	u := url.URL{Scheme: c.Scheme(host), Host: host, Path: path}
	if repository != "" {
		u.RawQuery = "n=1"
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := h.RoundTrip(req)
	if err != nil {
		return fmt.Errorf("log in to %s: %w", host, redactErr(err, secret))
	}
	defer discard(resp)
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		if repository == "" {
			return &CredentialsError{Registry: host, User: user}
		}
		return fmt.Errorf("log in to %s: the password is right, but the account %q may not read %s (%d): ask for access, or log in as another account: %w",
			host, user, repository, resp.StatusCode, ErrDenied)
	}
	return nil
}

// oneKeychain resolves every registry to one authenticator.
type oneKeychain struct{ auth authn.Authenticator }

func (k oneKeychain) Resolve(authn.Resource) (authn.Authenticator, error) { return k.auth, nil }
