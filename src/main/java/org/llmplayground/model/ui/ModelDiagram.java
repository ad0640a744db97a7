package org.llmplayground.model.ui;

import org.llmplayground.model.ModelFlow;

import java.util.List;

/**
 * Draws the data flow as HTML boxes, top to bottom, each with its name, tensor shape and a note; the steps of one
 * block sit in a frame marked "× L". Pure function of its input; text is escaped.
 */
final class ModelDiagram {
    private ModelDiagram() {
    }

    static String html(List<ModelFlow.Step> steps, int layers) {
        StringBuilder sb = new StringBuilder("<div class=\"pg-flow\">");
        boolean inBlock = false;
        for (ModelFlow.Step s : steps) {
            if (s.repeated() && !inBlock) {
                sb.append("<div class=\"pg-flow-block\"><div class=\"pg-flow-repeat\">× ").append(layers)
                        .append(layers == 1 ? " block" : " blocks").append("</div>");
                inBlock = true;
            } else if (!s.repeated() && inBlock) {
                sb.append("</div>");
                inBlock = false;
            }
            sb.append("<div class=\"pg-flow-step\"><span class=\"pg-flow-name\">").append(escape(s.name()))
                    .append("</span><span class=\"pg-flow-shape\">").append(escape(s.shape())).append("</span>");
            if (!s.detail().isEmpty()) {
                sb.append("<span class=\"pg-flow-detail\">").append(escape(s.detail())).append("</span>");
            }
            sb.append("</div>");
        }
        if (inBlock) {
            sb.append("</div>");
        }
        return sb.append("</div>").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
