// What the audit sink reports, turned into log lines and metrics: failed batches, the sink turning
// unwritable and writable again, a torn tail recovered at start-up, rotations and retention.
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { AuditSinkHooks } from './sink.js';

export function auditSinkHooks(logger: Logger, metrics: Metrics | undefined): AuditSinkHooks {
  return {
    onFailure: (error, events) => logger.error({ err: error, events }, 'audit sink write failed; nothing of the batch was kept'),
    onWritable(writable, error) {
      metrics?.auditWritable(writable);
      if (writable) logger.info('audit sink is writable again');
      else logger.error({ err: error }, 'audit sink refuses writes');
    },
    onRecovered(recovery, result, error) {
      if (result === 'written') {
        metrics?.auditRecovered();
        metrics?.auditWritten('audit.recovered');
        logger.warn({ recovery }, 'audit file had a torn tail: recorded by an audit.recovered event, the chain continues');
      } else {
        metrics?.auditFailed('audit.recovered');
        logger.error({ err: error, recovery }, 'audit file has a torn tail and its audit.recovered event could not be written yet');
      }
    },
    onRotated(trigger, result, error) {
      metrics?.auditRotated(trigger, result ? 'ok' : 'failed');
      if (!result) {
        logger.error({ err: error, trigger }, 'audit file rotation failed; writing on to the current file (retried in a minute)');
        return;
      }
      logger.info({ trigger, rotatedTo: result.file, deleted: result.deleted }, 'audit file rotated');
      if (result.retentionError) logger.error({ err: result.retentionError }, 'audit retention could not delete an old rotated file');
    },
  };
}
