package org.llmplayground.training.api;

import io.micronaut.http.sse.Event;
import org.llmplayground.core.jobs.Subscription;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;
import org.llmplayground.training.TrainingService;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * A run's server-sent events, for every API that shows runs (pre-training and fine-tuning): 'run' (state), 'step',
 * 'measure' (what the objective measured besides the loss, e.g. DPO's rewards/margins), 'eval', 'sample', 'checkpoint', 'warning'; the stream ends with the run's last state.
 */
public final class RunEvents {
    private RunEvents() {
    }

    public static Publisher<Event<Object>> of(TrainingQueries queries, TrainingService service, String id) {
        TrainingRun run = queries.run(id); // 404 before the stream starts
        if (!run.state().isActive()) {
            return Flux.just(Event.<Object>of(run).name("run"));
        }
        return Flux.<Event<Object>>create(sink -> {
            Subscription sub = service.subscribe(id, e -> {
                Object payload = switch (e.type()) {
                    case "step" -> e.step();
                    case "measure" -> e.measure();
                    case "eval" -> e.eval();
                    case "sample" -> e.sample();
                    case "checkpoint" -> e.checkpoint();
                    case "warning" -> e.message();
                    default -> e.run();
                };
                sink.next(Event.of(payload).name(e.type()));
                if ("run".equals(e.type()) && e.run() != null && !e.run().state().isActive()) {
                    sink.complete();
                }
            });
            sink.onDispose(sub::close);
        });
    }
}
