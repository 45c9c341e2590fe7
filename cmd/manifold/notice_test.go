package main

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/ui"
)

// The browser client's notices go to the running program's status line as
// they happen, and all of them to stderr once the browser has exited.
func TestNoticesReachTheStatusLineAndStderr(t *testing.T) {
	r := &noticeRelay{}
	r.notice("before the browser runs")
	var sent []tea.Msg
	r.attach(func(m tea.Msg) { sent = append(sent, m) })
	r.notice("sending your credentials for R to its token server T (said once)\x1b]0;x\a")
	r.attach(nil)
	r.notice("after it exited")
	if len(sent) != 1 || sent[0] != ui.NoticeMsg("sending your credentials for R to its token server T (said once)\x1b]0;x\a") {
		t.Fatalf("sent to the program: %#v, want the one notice made while it ran", sent)
	}
	var errb strings.Builder
	r.say(&errb)
	got := errb.String()
	for _, want := range []string{"manifold: before the browser runs\n", "manifold: sending your credentials for R to its token server T (said once)", "manifold: after it exited\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\x1b") {
		t.Errorf("stderr got an escape sequence: %q", got)
	}
}
