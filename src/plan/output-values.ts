import { selectClass } from '../model/output-rule.js';
import type { Plan } from './types.js';

/** Per frame: the class, and the last layer's values (scores, or bits of a thresholded layer). */
export interface FrameResults {
  predictions: number[];
  scores: number[][];
}

/** The last layer's values of each whole frame, from the beats of its stream (`plan.output.values`). */
export function valuesPerFrame(plan: Plan, beats: ArrayLike<number>[]): number[][] {
  const per = plan.output.values.beatsPerFrame;
  const frames: number[][] = [];
  for (let f = 0; (f + 1) * per <= beats.length; f++) {
    const v: number[] = [];
    for (let b = f * per; b < (f + 1) * per; b++) for (let e = 0; e < beats[b]!.length; e++) v.push(beats[b]![e]!);
    // A padded last layer streams its pad neurons last: they are not classes.
    frames.push(v.slice(0, plan.output.classes));
  }
  return frames;
}

/**
 * What the top's output beats say per frame. Streaming classes, each frame's one beat is the
 * class and `lastValues` (the beats the block before label_select emitted) gives the values;
 * streaming scores, the beats are the values and the class follows by the model's rule.
 */
export function frameResults(plan: Plan, outBeats: ArrayLike<number>[], lastValues?: ArrayLike<number>[]): FrameResults {
  if (plan.output.stream === 'scores') {
    const scores = valuesPerFrame(plan, outBeats);
    return { predictions: scores.map((s) => selectClass(plan.output.rule, s)), scores };
  }
  return { predictions: outBeats.map((b) => b[0]!), scores: lastValues ? valuesPerFrame(plan, lastValues) : [] };
}
