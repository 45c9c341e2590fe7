package registry

import "context"

// NotifyRetry reports ev to the observer WithRetryObserver attached to ctx,
// if any, on the calling goroutine: what the transport does before each
// retry. Fakes of the client use it to exercise a UI's retry display.
func NotifyRetry(ctx context.Context, ev RetryEvent) {
	if fn, ok := ctx.Value(retryObserverKey{}).(func(RetryEvent)); ok {
		fn(ev)
	}
}
