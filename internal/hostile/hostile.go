// Package hostile is a test-only registry that attacks its client: a tags
// page that is a gzip bomb, listings whose body or Link never ends, an index
// that names hundreds of fat children, a body trickled just above the stall
// rule, a HEAD without Docker-Content-Digest. Each attack counts what it
// served, so a test can assert that the fault fired and that the client held.
//
// It speaks just enough of the distribution API for those answers. Import it
// from _test.go files (and bench/) only.
package hostile

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Media types served.
const (
	OCIIndex    = "application/vnd.oci.image.index.v1+json"
	OCIManifest = "application/vnd.oci.image.manifest.v1+json"
)

// Server is a hostile registry. Zero fields switch an attack off; the
// handler answers /v2/ with 200 and everything it has no attack for with a
// 404 in the registry's error format.
type Server struct {
	// GzipBomb, when > 0, answers tags/list and _catalog with a body sent
	// as Content-Encoding: gzip (whatever the client asked for) that
	// inflates to GzipBomb bytes of one endless JSON string.
	GzipBomb int64
	// EndlessBody answers tags/list and _catalog with a chunked page that
	// never ends: `{"tags":["t0","t1",…` until the client hangs up.
	EndlessBody bool
	// Link answers tags/list and _catalog with one-name pages and a next
	// link per LinkMode.
	Link LinkMode
	// Tags, when set, is the one page tags/list answers (no Link).
	Tags []string

	// Children and ChildSize: the index at fat:v1 names Children image
	// manifests of ChildSize bytes each, served by digest. Chunked sends
	// them without Content-Length.
	Children  int
	ChildSize int64
	Chunked   bool

	// Trickle sends every manifest body at this many bytes per second.
	Trickle int
	// NoHeadDigest leaves Docker-Content-Digest out of HEAD answers (GETs
	// keep it).
	NoHeadDigest bool
	// ErrorBody, when set, is the JSON error body of a 404.
	ErrorBody []byte
	// TokenBomb, when > 0, puts bearer auth in front of everything, whose
	// token endpoint (/token on the same host) answers with a gzip body
	// inflating to TokenBomb bytes.
	TokenBomb int64

	requests atomic.Int64
	bytes    atomic.Int64
	heads    atomic.Int64
	mu       sync.Mutex
	served   map[int]bool // children of the fat index served
	fat      *fatIndex
	smallIdx *small
}

// LinkMode is how a listing's Link header misbehaves.
type LinkMode int

const (
	// NoLink: no Link attack.
	NoLink LinkMode = iota
	// LinkRepeat names the same next URL on every page.
	LinkRepeat
	// LinkStuck names a next URL whose last= never moves, with a fresh
	// nonce each time so the URL itself differs.
	LinkStuck
	// LinkFresh names a new last= on every page, forever.
	LinkFresh
	// LinkBackwards names, on every page, a fresh last= that is the page's
	// one name and sorts before the last= of the page before: a listing
	// that walks backwards, forever.
	LinkBackwards
)

// Start serves s on a new loopback httptest server, closed when the test
// ends, and returns its host:port.
func (s *Server) Start(tb testing.TB) string {
	tb.Helper()
	srv := httptest.NewServer(s)
	tb.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// Requests is how many requests were served, the /v2/ ping included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Heads is how many HEAD requests were served.
func (s *Server) Heads() int64 { return s.heads.Load() }

// ChildrenServed is how many distinct children of the fat index were
// asked for.
func (s *Server) ChildrenServed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.served)
}

// BytesSent is how many body bytes were written (before any gzip).
func (s *Server) BytesSent() int64 { return s.bytes.Load() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.Method == http.MethodHead {
		s.heads.Add(1)
	}
	w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	p := r.URL.Path
	if s.TokenBomb > 0 {
		if p == "/token" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.WriteHeader(http.StatusOK)
			for _, m := range bomb(`{"token":"`, s.TokenBomb) {
				if !s.write(w, m) {
					return
				}
			}
			return
		}
		if r.Header.Get("Authorization") == "" {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="http://%s/token",service="hostile"`, r.Host))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
	}
	switch {
	case p == "/v2/" || p == "/v2":
		w.WriteHeader(http.StatusOK)
	case strings.HasSuffix(p, "/tags/list") || p == "/v2/_catalog":
		s.serveList(w, r, p == "/v2/_catalog")
	case strings.Contains(p, "/manifests/"):
		s.serveManifest(w, r)
	case strings.Contains(p, "/blobs/"):
		s.serveBlob(w, r)
	default:
		s.notFound(w)
	}
}

func (s *Server) notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	body := s.ErrorBody
	if body == nil {
		body = []byte(`{"errors":[{"code":"NAME_UNKNOWN","message":"not here"}]}`)
	}
	s.write(w, body)
}

func (s *Server) write(w http.ResponseWriter, b []byte) bool {
	n, err := w.Write(b)
	s.bytes.Add(int64(n))
	return err == nil
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, catalog bool) {
	field := "tags"
	if catalog {
		field = "repositories"
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case s.GzipBomb > 0:
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		for _, m := range bomb(`{"`+field+`":["`, s.GzipBomb) {
			if !s.write(w, m) {
				return
			}
		}
	case s.EndlessBody:
		w.WriteHeader(http.StatusOK)
		if !s.write(w, []byte(`{"`+field+`":[`)) {
			return
		}
		var b bytes.Buffer
		for i := 0; ; i++ {
			b.Reset()
			for j := 0; j < 1000; j++ {
				fmt.Fprintf(&b, `"t%d-%d",`, i, j)
			}
			if !s.write(w, b.Bytes()) || r.Context().Err() != nil {
				return
			}
		}
	case s.Link != NoLink:
		q := r.URL.Query()
		n, _ := strconv.Atoi(q.Get("page"))
		next := url.Values{"n": {"1"}}
		switch s.Link {
		case LinkRepeat:
			next.Set("last", "t0")
		case LinkStuck:
			next.Set("last", "stuck")
			next.Set("nonce", strconv.Itoa(n+1))
		case LinkFresh:
			next.Set("last", fmt.Sprintf("t%09d", n+1))
		case LinkBackwards:
			name := fmt.Sprintf("t%09d", 999_999_999-n)
			next.Set("last", name)
			next.Set("page", strconv.Itoa(n+1))
			w.Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next"`, r.URL.Path, next.Encode()))
			w.WriteHeader(http.StatusOK)
			s.write(w, []byte(fmt.Sprintf(`{%q:[%q]}`, field, name)))
			return
		}
		next.Set("page", strconv.Itoa(n+1))
		if s.Link == LinkRepeat {
			next.Del("page")
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next"`, r.URL.Path, next.Encode()))
		w.WriteHeader(http.StatusOK)
		s.write(w, []byte(fmt.Sprintf(`{%q:["t%09d"]}`, field, n)))
	case s.Tags != nil:
		b, _ := json.Marshal(map[string]any{field: s.Tags})
		w.WriteHeader(http.StatusOK)
		s.write(w, b)
	default:
		s.notFound(w)
	}
}

// bomb returns gzip members that inflate to prefix followed by size bytes
// of 'a': one small member repeated, so a 1 GiB bomb costs about 1 MB to
// send and nothing to build. Go's gzip reader reads concatenated members as
// one stream.
func bomb(prefix string, size int64) [][]byte {
	const block = 1 << 20
	var head, body bytes.Buffer
	zw := gzip.NewWriter(&head)
	zw.Write([]byte(prefix))
	zw.Close()
	zw, _ = gzip.NewWriterLevel(&body, gzip.BestCompression)
	zw.Write(bytes.Repeat([]byte("a"), block))
	zw.Close()
	out := [][]byte{head.Bytes()}
	for left := size; left > 0; left -= block {
		out = append(out, body.Bytes())
	}
	return out
}

// fatIndex is an index of many big children, with their digests.
type fatIndex struct {
	raw     []byte
	digest  string
	digests map[string]int // child digest → its number
}

type small struct {
	raw    []byte
	digest string
	config []byte
	cfgDig string
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// child writes the ChildSize-byte image manifest number i (a valid
// manifest padded with an annotation) to w in pieces, so that serving many
// costs the server no memory; it stops at the first failed write.
func (s *Server) child(i int, w func([]byte) bool) {
	head := fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%064x","size":2},"layers":[],"annotations":{"n":"%d","pad":"`, OCIManifest, i, i)
	tail := `"}}`
	if !w([]byte(head)) {
		return
	}
	pad := bytes.Repeat([]byte("x"), 32<<10)
	for left := s.ChildSize - int64(len(head)+len(tail)); left > 0; {
		n := min(left, int64(len(pad)))
		if !w(pad[:n]) {
			return
		}
		left -= n
	}
	w([]byte(tail))
}

// childSize is the length of child i: ChildSize, or its head and tail
// when ChildSize is smaller.
func (s *Server) childSize(i int) int64 {
	var n int64
	s.child(i, func(b []byte) bool { n += int64(len(b)); return true })
	return n
}

func (s *Server) fatIndex() *fatIndex {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fat != nil {
		return s.fat
	}
	f := &fatIndex{digests: map[string]int{}}
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"schemaVersion":2,"mediaType":%q,"manifests":[`, OCIIndex)
	for i := 0; i < s.Children; i++ {
		h := sha256.New()
		s.child(i, func(b []byte) bool { h.Write(b); return true })
		d := "sha256:" + hex.EncodeToString(h.Sum(nil))
		f.digests[d] = i
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"mediaType":%q,"digest":%q,"size":%d,"platform":{"os":"linux","architecture":"amd64","variant":"v%d"}}`, OCIManifest, d, s.childSize(i), i)
	}
	b.WriteString(`]}`)
	f.raw = b.Bytes()
	f.digest = digestOf(f.raw)
	s.fat = f
	return f
}

// smallImage is the image at small:v1: a 2-entry config, trickled or
// served without a HEAD digest per the switches.
func (s *Server) smallImage() *small {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.smallIdx != nil {
		return s.smallIdx
	}
	cfg := []byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}}`)
	m := &small{config: cfg, cfgDig: digestOf(cfg)}
	m.raw = []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[]}`, OCIManifest, m.cfgDig, len(cfg)))
	m.digest = digestOf(m.raw)
	s.smallIdx = m
	return m
}

func (s *Server) serveManifest(w http.ResponseWriter, r *http.Request) {
	repo, ref, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v2/"), "/manifests/")
	var (
		raw []byte
		mt  = OCIManifest
	)
	switch {
	case repo == "fat" && s.Children > 0:
		f := s.fatIndex()
		if ref == "v1" || ref == f.digest {
			raw, mt = f.raw, OCIIndex
		} else if i, ok := f.digests[ref]; ok {
			s.serveChild(w, r, i, ref)
			return
		}
	case repo == "small":
		m := s.smallImage()
		if ref == "v1" || ref == m.digest {
			raw = m.raw
		}
	}
	if raw == nil {
		s.notFound(w)
		return
	}
	w.Header().Set("Content-Type", mt)
	if !(r.Method == http.MethodHead && s.NoHeadDigest) {
		w.Header().Set("Docker-Content-Digest", digestOf(raw))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	s.send(w, r, raw)
}

// serveChild streams child i of the fat index, without Content-Length
// when Chunked is set.
func (s *Server) serveChild(w http.ResponseWriter, r *http.Request, i int, digest string) {
	s.mu.Lock()
	if s.served == nil {
		s.served = map[int]bool{}
	}
	s.served[i] = true
	s.mu.Unlock()
	w.Header().Set("Content-Type", OCIManifest)
	w.Header().Set("Docker-Content-Digest", digest)
	if !s.Chunked {
		w.Header().Set("Content-Length", strconv.FormatInt(s.childSize(i), 10))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		s.child(i, func(b []byte) bool { return s.write(w, b) })
	}
}

func (s *Server) serveBlob(w http.ResponseWriter, r *http.Request) {
	m := s.smallImage()
	if !strings.HasSuffix(r.URL.Path, "/blobs/"+m.cfgDig) {
		s.notFound(w)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(m.config)))
	w.Header().Set("Docker-Content-Digest", m.cfgDig)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		s.send(w, r, m.config)
	}
}

// send writes b, at Trickle bytes per second when set.
func (s *Server) send(w http.ResponseWriter, r *http.Request, b []byte) {
	if s.Trickle <= 0 {
		s.write(w, b)
		return
	}
	fl, _ := w.(http.Flusher)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	per := max(1, s.Trickle/10)
	for len(b) > 0 {
		n := min(per, len(b))
		if !s.write(w, b[:n]) {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		b = b[n:]
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return
		}
	}
}
