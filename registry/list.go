package registry

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

// Listing (tags/list and _catalog) is manifold's own, not
// go-containerregistry's Lister and Catalogger, which decode each page with
// no size limit and follow Link forever. Here a page is read through a cap
// (counted after Go's transport inflates a gzip body), decoded, handed to the
// caller and dropped: only one page is ever held. The next page is the one
// the Link header names; a listing stops with a *PaginationError when a
// next URL repeats, when its last= does not advance, when it points at
// another host, or past Limits.ListPages. Credentials come from Client.send,
// the one place a request is authenticated.

// Page is one page of a listing. Yield functions receive pages in order; a
// non-nil error from yield stops the listing and is returned.
type Page struct {
	Names []string
	// More is true when another page follows.
	More bool
}

// ErrPagination matches every *PaginationError.
var ErrPagination = errors.New("pagination does not end")

// PaginationError says a listing was stopped because the registry's pages
// do not end.
type PaginationError struct {
	What   string // e.g. "list tags of example.com/app"
	URL    string // the next URL that was refused, redacted
	Pages  int    // pages fetched before stopping
	Reason PaginationReason
	Limit  int // the page cap, for ReasonPageCap
}

// PaginationReason says which rule stopped a listing.
type PaginationReason int

const (
	// ReasonRepeat: the next URL is one already fetched.
	ReasonRepeat PaginationReason = iota + 1
	// ReasonLastStuck: the next URL's last= is one already used.
	ReasonLastStuck
	// ReasonPageCap: more pages than Limits.ListPages.
	ReasonPageCap
	// ReasonOtherHost: the next URL points at another host or scheme.
	ReasonOtherHost
	// ReasonLastBackwards: the next URL's last= is a name of its page
	// that sorts at or before the last name the listing already went past.
	ReasonLastBackwards
)

func (e *PaginationError) Error() string {
	var why string
	switch e.Reason {
	case ReasonRepeat:
		why = "the registry's next-page link repeats a page already fetched (" + e.URL + "): its pagination loops"
	case ReasonLastStuck:
		why = "the registry's next-page link does not advance: its last= was already used (" + e.URL + ")"
	case ReasonPageCap:
		why = fmt.Sprintf("more than %d pages, the list-pages limit (raise it if the registry really holds that many)", e.Limit)
	case ReasonOtherHost:
		why = "the registry's next-page link points at another host (" + e.URL + "): not followed"
	case ReasonLastBackwards:
		why = "the registry's next-page link goes backwards: its last= sorts before the names already listed (" + e.URL + ")"
	}
	return fmt.Sprintf("%s: stopped after %d pages: %s", e.What, e.Pages, why)
}

// Is matches ErrPagination.
func (e *PaginationError) Is(target error) bool { return target == ErrPagination }

// Repositories lists the repositories of a registry page by page, following
// Link headers to the end.
func (c *Client) Repositories(ctx context.Context, registry string, yield func(Page) error) error {
	reg, err := c.ParseRegistry(registry)
	if err != nil {
		return err
	}
	host := reg.RegistryStr()
	first := &url.URL{Scheme: c.Scheme(host), Host: host, Path: "/v2/_catalog"}
	what := "list repositories of " + registry
	n := c.opts.PageSize
	if n <= 0 {
		// distribution answers 100 names without n= and refuses more
		// than its maximum (1000 by default): ask for that.
		n = DefaultPageSize
	}
	err = c.list(ctx, first, n, what, func(b io.Reader) ([]string, error) {
		var page struct {
			Repositories []string `json:"repositories"`
		}
		err := json.NewDecoder(b).Decode(&page)
		return page.Repositories, err
	}, yield)
	if isStatus(err, http.StatusNotFound) || isStatus(err, http.StatusUnauthorized) && strings.Contains(registry, "docker.io") {
		return fmt.Errorf("%s: %w", registry, ErrNoCatalog)
	}
	if isStatus(err, http.StatusUnauthorized) || isStatus(err, http.StatusForbidden) {
		return &CatalogDeniedError{Registry: registry, Err: err}
	}
	return err
}

// Tags lists the tags of a repository page by page, following Link headers
// to the end. Registries may return tags unsorted.
//
// Without Options.PageSize the first request carries no n=: the registry
// picks its page size, which on most registries (distribution, Harbor,
// GCR, GHCR) means every tag in one answer instead of one request per
// thousand tags — what regctl and skopeo do. A registry that pages anyway
// sends a Link header, which is followed. When that one answer is larger
// than Limits.ListPageBytes, the listing starts again with n=1000.
func (c *Client) Tags(ctx context.Context, repository string, yield func(Page) error) error {
	repo, err := c.ParseRepository(repository)
	if err != nil {
		return err
	}
	host := repo.RegistryStr()
	first := &url.URL{Scheme: c.Scheme(host), Host: host, Path: "/v2/" + repo.RepositoryStr() + "/tags/list"}
	what := "list tags of " + repository
	decode := func(b io.Reader) ([]string, error) {
		var page struct {
			Tags []string `json:"tags"`
		}
		err := json.NewDecoder(b).Decode(&page)
		return page.Tags, err
	}
	n := c.opts.PageSize
	yielded := false
	err = c.list(ctx, first, n, what, decode, func(p Page) error {
		yielded = true
		return yield(p)
	})
	var tl *TooLargeError
	if n <= 0 && !yielded && errors.As(err, &tl) {
		first.RawQuery = ""
		return c.list(ctx, first, DefaultPageSize, what, decode, yield)
	}
	return err
}

// list fetches the pages of a listing from first on, through the
// handshake, decoding each with decode and handing it to yield. The first
// request asks n names, or leaves the page size to the registry when n is
// zero.
func (c *Client) list(ctx context.Context, first *url.URL, n int, what string, decode func(io.Reader) ([]string, error), yield func(Page) error) error {
	lim := c.opts.Limits
	if n > 0 {
		q := first.Query()
		q.Set("n", strconv.Itoa(n))
		first.RawQuery = q.Encode()
	}

	seenURL := map[[32]byte]bool{}
	seenLast := map[[32]byte]bool{}
	// passed is the last= the listing last went past when that last= was
	// a name of its page, so a name and not an opaque token (ECR's): names
	// come in lexical order (distribution spec), so the next such last=
	// must sort after it.
	passed := ""
	next := first
	for pages := 0; next != nil; pages++ {
		if pages >= lim.ListPages {
			return &PaginationError{What: what, URL: RedactURL(next), Pages: pages, Reason: ReasonPageCap, Limit: lim.ListPages}
		}
		seenURL[sha256.Sum256([]byte(next.String()))] = true
		if last := next.Query().Get("last"); last != "" {
			seenLast[sha256.Sum256([]byte(last))] = true
		}
		names, link, err := c.listPage(ctx, next, what, decode)
		if err != nil {
			return err
		}
		// The page's names are good; a bad next link ends the listing
		// after them.
		var stop error
		next = nil
		if link != nil {
			reason := PaginationReason(0)
			switch last := link.Query().Get("last"); {
			case link.Host != first.Host || link.Scheme != first.Scheme:
				reason = ReasonOtherHost
			case seenURL[sha256.Sum256([]byte(link.String()))]:
				reason = ReasonRepeat
			case last != "" && seenLast[sha256.Sum256([]byte(last))]:
				reason = ReasonLastStuck
			case last != "" && slices.Contains(names, last):
				if passed != "" && last <= passed {
					reason = ReasonLastBackwards
				}
				passed = last
			}
			if reason != 0 {
				stop = &PaginationError{What: what, URL: RedactURL(link), Pages: pages + 1, Reason: reason}
			} else {
				next = link
			}
		}
		if err := yield(Page{Names: names, More: next != nil}); err != nil {
			return err
		}
		if stop != nil {
			return stop
		}
	}
	return nil
}

// listPage fetches one page: its names and the next page's URL (nil at the
// end), the body capped at Limits.ListPageBytes.
func (c *Client) listPage(ctx context.Context, u *url.URL, what string, decode func(io.Reader) ([]string, error)) ([]string, *url.URL, error) {
	limit := c.opts.Limits.ListPageBytes
	resp, err := c.send(func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	}, false)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, statusError(what, resp)
	}
	defer resp.Body.Close()
	page := "page " + RedactURL(u)
	if resp.ContentLength > limit {
		return nil, nil, fmt.Errorf("%s: %w", what, &TooLargeError{What: page, Size: resp.ContentLength, Limit: limit})
	}
	names, err := decode(&capReader{r: resp.Body, limit: limit, what: page})
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return nil, nil, fmt.Errorf("%s: %w", what, err)
		}
		return nil, nil, fmt.Errorf("%s: decode %s: %w", what, page, err)
	}
	next, err := nextLink(resp)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	return names, next, nil
}

// nextLink returns the URL of the Link header's rel="next", resolved
// against the request's URL (it is often relative), or nil.
func nextLink(resp *http.Response) (*url.URL, error) {
	for _, h := range resp.Header.Values("Link") {
		for _, l := range strings.Split(h, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(l), ";")
			if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			if !relNext(params) {
				continue
			}
			u, err := url.Parse(target[1 : len(target)-1])
			if err != nil {
				return nil, fmt.Errorf("bad next-page Link %s: %w", sanitizeForError(target), err)
			}
			return resp.Request.URL.ResolveReference(u), nil
		}
	}
	return nil, nil
}

// relNext reports whether Link parameters hold rel="next".
func relNext(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for _, r := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
			if strings.EqualFold(r, "next") {
				return true
			}
		}
	}
	return false
}

// sanitizeForError shortens and escapes registry text quoted in an error.
func sanitizeForError(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return termsafe.String(s)
}

// capReader reads at most limit bytes from r and fails with a
// *TooLargeError when there is more.
type capReader struct {
	r     io.Reader
	n     int64
	limit int64
	what  string
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n > c.limit {
		return 0, &TooLargeError{What: c.what, Size: -1, Limit: c.limit}
	}
	if room := c.limit - c.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return 0, &TooLargeError{What: c.what, Size: -1, Limit: c.limit}
	}
	return n, err
}
