import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes every Ballast workflow carries, so the Temporal UI can filter
 * (`BallastKind="Kustomization" AND BallastReady=false`). Registered by the local environment
 * at server start and by `ballast install` (later) on a production cluster.
 */
export const BallastKind = defineSearchAttributeKey('BallastKind', SearchAttributeType.KEYWORD);
export const BallastNamespace = defineSearchAttributeKey('BallastNamespace', SearchAttributeType.KEYWORD);
export const BallastName = defineSearchAttributeKey('BallastName', SearchAttributeType.KEYWORD);
export const BallastCluster = defineSearchAttributeKey('BallastCluster', SearchAttributeType.KEYWORD);
export const BallastRevision = defineSearchAttributeKey('BallastRevision', SearchAttributeType.KEYWORD);
export const BallastReady = defineSearchAttributeKey('BallastReady', SearchAttributeType.BOOL);

/** Name → type as the temporal CLI's `--search-attribute name=Type` flag spells it. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'Bool'> = {
  BallastKind: 'Keyword',
  BallastNamespace: 'Keyword',
  BallastName: 'Keyword',
  BallastCluster: 'Keyword',
  BallastRevision: 'Keyword',
  BallastReady: 'Bool',
};

/** Every Ballast search attribute key, for registering them all at once. */
export const ALL_SEARCH_ATTRIBUTES = [
  BallastKind,
  BallastNamespace,
  BallastName,
  BallastCluster,
  BallastRevision,
  BallastReady,
];
