package server

import (
	"bytes"
	"errors"
	"net/http"
	"time"
	"unsafe"

	"github.com/valyala/fasthttp"

	"nordbid/internal/notice"
	"nordbid/internal/store"
	"nordbid/internal/telemetry"
)

var (
	pathBid       = []byte("/openrtb2/bid")
	pathBidPrefix = []byte("/openrtb2/bid/")
	pathNotice    = []byte("/notice/")
	pathHealth    = []byte("/health")
	pathReady     = []byte("/ready")

	headerVersion = []byte("X-Openrtb-Version")
	headerReason  = []byte("X-Nobid-Reason")
	version26     = []byte("2.6")
	typeJSON      = []byte("application/json")
	typeGIF       = []byte("image/gif")
)

// route dispatches a request of the bid listener.
func (s *Server) route(ctx *fasthttp.RequestCtx) {
	p := ctx.Path()
	switch {
	case bytes.Equal(p, pathBid):
		s.handleBid(ctx, "")
	case bytes.HasPrefix(p, pathBidPrefix) && len(p) > len(pathBidPrefix) &&
		bytes.IndexByte(p[len(pathBidPrefix):], '/') < 0:
		// The exchange name is only read during the request, so a view of
		// the path saves a copy.
		ex := p[len(pathBidPrefix):]
		s.handleBid(ctx, unsafe.String(&ex[0], len(ex)))
	case bytes.HasPrefix(p, pathNotice):
		s.handleNotice(ctx, string(p[len(pathNotice):]))
	case bytes.Equal(p, pathHealth) && ctx.IsGet():
		fastJSON(ctx, http.StatusOK, bodyOK)
	case bytes.Equal(p, pathReady) && ctx.IsGet():
		if err := s.opt.Ready(); err != nil {
			fastError(ctx, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
		fastJSON(ctx, http.StatusOK, bodyReady)
	default:
		fastError(ctx, http.StatusNotFound, "no such endpoint: "+quote(string(p)))
	}
}

var (
	bodyOK    = []byte(`{"status":"ok"}`)
	bodyReady = []byte(`{"status":"ready"}`)
)

// handleBid serves POST /openrtb2/bid and /openrtb2/bid/{exchange}.
func (s *Server) handleBid(ctx *fasthttp.RequestCtx, exchange string) {
	arrival := ctx.Time()
	if !ctx.IsPost() {
		ctx.SetConnectionClose() // any body it sent is left unread
		ctx.Response.Header.Set("Allow", "POST")
		fastError(ctx, http.StatusMethodNotAllowed, "method: bid requests are POSTed")
		return
	}
	wk := s.works.Get().(*work)
	defer s.works.Put(wk)

	// PostBody would read a streamed body whole, past any limit: read the
	// stream here, under the limit.
	var raw []byte
	var err error
	if stream := ctx.RequestBodyStream(); stream != nil {
		raw, err = wk.body.read(stream, s.opt.MaxBody)
	} else {
		raw = ctx.PostBody()
	}
	var body []byte
	if err == nil {
		body, err = wk.body.decode(ctx.Request.Header.ContentEncoding(), raw,
			s.opt.MaxDecompressed)
	}
	if err != nil {
		// The rest of a refused body may still be on the wire.
		ctx.SetConnectionClose()
		var be *bodyError
		errors.As(err, &be)
		s.opt.Metrics.Request(telemetry.OtherExchange, telemetry.ResultInvalid)
		fastError(ctx, be.status, be.msg)
		return
	}
	ans := s.opt.Bidder.Bid(wk.bw, exchange, body, arrival)
	s.opt.Metrics.Request(wk.bw.Label(), ans.Result)
	ctx.Response.Header.SetBytesKV(headerVersion, version26)
	if ans.Status == http.StatusNoContent {
		// The reason helps exchanges' and operators' debugging; it is one
		// of a fixed set of short names.
		ctx.Response.Header.SetBytesKV(headerReason, s.reasonHeader(ans.Reason))
		ctx.SetStatusCode(http.StatusNoContent)
	} else {
		fastJSON(ctx, ans.Status, ans.Body)
	}
	s.opt.Metrics.Duration(time.Since(arrival).Seconds())
}

// reasonHeader returns a shared header value for a no-bid reason, so that
// answering 204 allocates nothing.
func (s *Server) reasonHeader(reason string) []byte {
	if v, ok := s.reasons[reason]; ok {
		return v
	}
	return s.reasons["other"]
}

// gif is a transparent 1x1 image: impression notices are often pixels.
var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04" +
	"\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// handleNotice serves GET /notice/{kind}.
func (s *Server) handleNotice(ctx *fasthttp.RequestCtx, kind string) {
	if !ctx.IsGet() && !ctx.IsPost() {
		ctx.Response.Header.Set("Allow", "GET, POST")
		fastError(ctx, http.StatusMethodNotAllowed, "method: notices are GET requests")
		return
	}
	k := store.NoticeKind(kind)
	switch k {
	case store.NoticeWin, store.NoticeBill, store.NoticeLoss, store.NoticeImp,
		store.NoticeClick:
	default:
		fastError(ctx, http.StatusNotFound, "kind: unknown notice "+quote(kind))
		return
	}
	q := ctx.QueryArgs()
	out, err := s.opt.Notices.Handle(ctx, k, string(q.Peek("t")), string(q.Peek("p")),
		string(q.Peek("r")))
	if err != nil {
		var ne *notice.Error
		if errors.As(err, &ne) {
			s.opt.Metrics.Notice(kind, "rejected")
			fastError(ctx, ne.Status, ne.Msg)
			return
		}
		s.opt.Metrics.Notice(kind, "error")
		s.opt.Logger.Error("notice", "kind", kind, "err", err)
		fastError(ctx, http.StatusServiceUnavailable, "store unavailable; retry later")
		return
	}
	s.opt.Metrics.Notice(kind, string(out))
	if k == store.NoticeImp {
		ctx.Response.Header.Set("Cache-Control", "no-store")
		ctx.SetContentTypeBytes(typeGIF)
		ctx.SetBody(gif)
		return
	}
	fastJSON(ctx, http.StatusOK, []byte(`{"status":"`+string(out)+`"}`))
}

func fastJSON(ctx *fasthttp.RequestCtx, status int, body []byte) {
	ctx.SetStatusCode(status)
	ctx.SetContentTypeBytes(typeJSON)
	ctx.SetBody(body)
}

// fastError answers with a JSON body {"error": msg}.
func fastError(ctx *fasthttp.RequestCtx, status int, msg string) {
	fastJSON(ctx, status, errorBody(msg))
}
