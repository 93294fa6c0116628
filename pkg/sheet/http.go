package sheet

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// FileName is the name of a fair's file: what it is (kind, such as "danh-sach-don-vi"), then the
// fair's name as a slug (its ID when the name has no letters), at most 80 characters.
func FileName(kind, fairName, fairID string) string {
	name := vntext.Slug(vntext.Fold(fairName), false)
	if name == "" {
		name = vntext.Slug(fairID, false)
	}
	return strings.TrimRight((kind + "-" + name)[:min(len(kind)+1+len(name), 80)], "-")
}

// Send answers the request with t as a CSV or XLSX file (format "csv" or "xlsx") named name; any
// other format is Invalid.
func Send(c *gin.Context, t Table, format, name string) {
	var (
		data []byte
		err  error
		ct   string
	)
	switch format {
	case "csv":
		ct = "text/csv; charset=utf-8"
		data, err = t.CSV()
	case "xlsx":
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		data, err = t.XLSX()
	default:
		httpx.RespondError(c, apperr.InvalidField("format", apperr.OneOf, apperr.OrOf("json", "csv", "xlsx")))
		return
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// The headers are in the caller's language.
	c.Header("Vary", "Accept-Language")
	c.Header("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	c.Data(http.StatusOK, ct, data)
}
